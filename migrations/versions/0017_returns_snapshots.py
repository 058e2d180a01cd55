"""Month-end snapshots for the NCCIS return and the NEET + Not Known measure: `snapshot` (one per
as-of date, with its counts) and `snapshot_row` (one per young person in that month's cohort, with
the codes and dates the return and the measure read). Rows never change once written.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _timestamps():
    return (sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False))


def upgrade():
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot")),
        sa.UniqueConstraint("as_of", name=op.f("uq_snapshot_as_of")),
    )
    op.create_table(
        "snapshot_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("academic_age", sa.Integer(), nullable=False),
        sa.Column("year_group", sa.Integer(), nullable=True),
        sa.Column("cohort_status", sa.String(length=1), nullable=False),
        sa.Column("lead_la", sa.String(length=3), nullable=False),
        sa.Column("transferred_to_la", sa.String(length=3), nullable=True),
        sa.Column("activity_code", sa.String(length=3), nullable=False),
        sa.Column("held_activity_code", sa.String(length=3), nullable=True),
        sa.Column("currency_lapsed", sa.Boolean(), nullable=False),
        sa.Column("activity_start_date", sa.Date(), nullable=True),
        sa.Column("ascertained_on", sa.Date(), nullable=True),
        sa.Column("due_to_lapse_on", sa.Date(), nullable=True),
        sa.Column("neet_start_date", sa.Date(), nullable=True),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("ehcp", sa.Boolean(), nullable=False),
        sa.Column("sg_status", sa.String(length=3), nullable=True),
        sa.Column("sg_source", sa.String(length=100), nullable=True),
        sa.Column("sg_recorded_on", sa.Date(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("year_11_school_id", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"], name=op.f("fk_snapshot_row_snapshot_id_snapshot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_row")),
    )
    op.create_index("ix_snapshot_row_snapshot_person", "snapshot_row", ["snapshot_id", "young_person_id"],
                    unique=False)


def downgrade():
    op.drop_index("ix_snapshot_row_snapshot_person", table_name="snapshot_row")
    op.drop_table("snapshot_row")
    op.drop_table("snapshot")
