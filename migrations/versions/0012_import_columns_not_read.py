"""An import remembers the columns of its file that it did not read, so its report can name them.

A school's MIS export often carries columns no import takes (a tutor group, a house, a column of
its own); the report after the import, on the web and on the command line, names each of them.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("columns_not_read", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("columns_not_read")
