"""Import warnings: the values an import left out, kept with their batch; a phone number on an
enrolment.

A row whose optional value fails its check is imported without that value; the warning says
which row and column, so the import report can list them and offer them as a download. College
enrolment returns carry the learner's phone number, checked like any other.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=20), nullable=True))
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warning_count", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "import_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("column_name", sa.String(length=100), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["import_batch_id"], ["import_batch.id"],
                                name=op.f("fk_import_warning_import_batch_id_import_batch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_warning")),
    )
    with op.batch_alter_table("import_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_warning_import_batch_id"), ["import_batch_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_warning_import_batch_id"))
    op.drop_table("import_warning")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("warning_count")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_column("phone")
