"""The follow-up loop: reply periods in the calendar, replaced links, the school's September
Guarantee answers, young people who moved away, and why a case closed.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from tep_app.reference_data import guarantee_rows

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    ]


def upgrade():
    op.create_table(
        "calendar_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_setting")),
        sa.UniqueConstraint("academic_year", "key", name=op.f("uq_calendar_setting_academic_year_key")),
    )
    with op.batch_alter_table("calendar_setting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_setting_academic_year"), ["academic_year"], unique=False)

    op.create_table(
        "replaced_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["school_request_id"], ["school_request.id"],
                                name=op.f("fk_replaced_link_school_request_id_school_request")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replaced_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_replaced_link_token_hash")),
    )
    with op.batch_alter_table("replaced_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replaced_link_school_request_id"), ["school_request_id"], unique=False)

    with op.batch_alter_table("school_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guarantee_code", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("moved", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moved_to", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_school_response_guarantee_code_guarantee_status"),
                                    "guarantee_status", ["guarantee_code"], ["code"])
    with op.batch_alter_table("young_person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moved_to", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("moved_on", sa.Date(), nullable=True))
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=20), nullable=True))

    with op.batch_alter_table("guarantee_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group", sa.String(length=20), nullable=False, server_default="not-recorded"))
        batch_op.add_column(sa.Column("plain_words", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("offered_to_schools", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"))
    status = sa.table("guarantee_status", sa.column("code"), sa.column("group"), sa.column("plain_words"),
                      sa.column("offered_to_schools", sa.Boolean), sa.column("sort_order", sa.Integer))
    for row in guarantee_rows():
        op.execute(status.update().where(status.c.code == row["code"]).values(
            group=row["group"], plain_words=row["plain_words"], offered_to_schools=row["offered_to_schools"],
            sort_order=row["sort_order"]))


def downgrade():
    with op.batch_alter_table("guarantee_status", schema=None) as batch_op:
        for column in ("sort_order", "offered_to_schools", "plain_words", "group"):
            batch_op.drop_column(column)
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("closed_reason")
    with op.batch_alter_table("young_person", schema=None) as batch_op:
        for column in ("moved_on", "moved_to", "moved"):
            batch_op.drop_column(column)
    with op.batch_alter_table("school_response", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_school_response_guarantee_code_guarantee_status"), type_="foreignkey")
        for column in ("moved_to", "moved", "guarantee_code"):
            batch_op.drop_column(column)
    with op.batch_alter_table("replaced_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replaced_link_school_request_id"))
    op.drop_table("replaced_link")
    with op.batch_alter_table("calendar_setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_setting_academic_year"))
    op.drop_table("calendar_setting")
