"""(slot kept for a change in progress; does nothing yet)

Revision ID: 0019
Revises: 0018
"""
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
