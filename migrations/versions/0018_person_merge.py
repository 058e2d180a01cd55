"""(slot kept for a change in progress; does nothing yet)

Revision ID: 0018
Revises: 0017
"""
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
