"""Notes on a young person's page: the person_note table, an officer's free text about a young
person (with or without a case), its author and when it was written.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["young_person_id"], ["young_person.id"],
                                name=op.f("fk_person_note_young_person_id_young_person")),
        sa.ForeignKeyConstraint(["author_id"], ["staff_user.id"], name=op.f("fk_person_note_author_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_note")),
    )
    op.create_index(op.f("ix_person_note_young_person_id"), "person_note", ["young_person_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_person_note_young_person_id"), table_name="person_note")
    op.drop_table("person_note")
