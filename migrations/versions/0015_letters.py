"""(slot kept for a change in progress; does nothing yet)

Revision ID: 0015
Revises: 0014
"""
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
