"""(slot kept for a change in progress; does nothing yet)

Revision ID: 0017
Revises: 0016
"""
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
