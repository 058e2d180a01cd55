"""School holidays as calendar data, and chasers sent by hand counted on the request.

Each academic year gets its school holidays (Christmas, Easter, the summer ...) as rows an admin
can edit; reply periods, reminders and chasers count only the days outside them. A school
request counts the chasers a manager sent by hand next to the automatic ones, so every page can
show both.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _timestamps():
    return (sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False))


def upgrade():
    op.create_table(
        "school_holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_holiday")),
        sa.UniqueConstraint("academic_year", "key", name=op.f("uq_school_holiday_academic_year_key")),
    )
    with op.batch_alter_table("school_holiday", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_holiday_academic_year"), ["academic_year"], unique=False)
    with op.batch_alter_table("school_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manual_chasers_sent", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("school_request", schema=None) as batch_op:
        batch_op.drop_column("manual_chasers_sent")
    with op.batch_alter_table("school_holiday", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_holiday_academic_year"))
    op.drop_table("school_holiday")
