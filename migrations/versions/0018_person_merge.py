"""Merging two records of one young person: the person_merge table (which record was kept, which
was merged into it, why, the kept record's identity values before, and the undo) and
person_merge_row (every row a merge moved, so an undo moves exactly those back).

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def _timestamps():
    return (sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False))


def upgrade():
    op.create_table(
        "person_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("kept_before", sa.JSON(), nullable=True),
        sa.Column("took", sa.JSON(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undo_reason", sa.Text(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["kept_id"], ["young_person.id"], name=op.f("fk_person_merge_kept_id_young_person")),
        sa.ForeignKeyConstraint(["merged_id"], ["young_person.id"],
                                name=op.f("fk_person_merge_merged_id_young_person")),
        sa.ForeignKeyConstraint(["merged_by_id"], ["staff_user.id"],
                                name=op.f("fk_person_merge_merged_by_id_staff_user")),
        sa.ForeignKeyConstraint(["undone_by_id"], ["staff_user.id"],
                                name=op.f("fk_person_merge_undone_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge")),
    )
    op.create_index(op.f("ix_person_merge_kept_id"), "person_merge", ["kept_id"], unique=False)
    op.create_index("uq_person_merge_merged_open", "person_merge", ["merged_id"], unique=True,
                    postgresql_where=sa.text("undone_at IS NULL"), sqlite_where=sa.text("undone_at IS NULL"))
    op.create_table(
        "person_merge_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("held_in", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["merge_id"], ["person_merge.id"],
                                name=op.f("fk_person_merge_row_merge_id_person_merge")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge_row")),
    )
    op.create_index(op.f("ix_person_merge_row_merge_id"), "person_merge_row", ["merge_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_person_merge_row_merge_id"), table_name="person_merge_row")
    op.drop_table("person_merge_row")
    op.drop_index("uq_person_merge_merged_open", table_name="person_merge")
    op.drop_index(op.f("ix_person_merge_kept_id"), table_name="person_merge")
    op.drop_table("person_merge")
