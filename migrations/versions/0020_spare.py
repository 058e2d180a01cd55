"""(slot kept for a change in progress; does nothing yet)

Revision ID: 0020
Revises: 0019
"""
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
