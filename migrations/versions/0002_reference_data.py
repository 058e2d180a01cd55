"""Seed the NCCIS activity codes and September Guarantee statuses.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from tep_app.reference_data import activity_rows, guarantee_rows

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    activity = sa.table(
        "activity_code", sa.column("code"), sa.column("description"), sa.column("plain_words"),
        sa.column("group"), sa.column("is_not_known", sa.Boolean), sa.column("is_neet", sa.Boolean),
        sa.column("needs_neet_start", sa.Boolean), sa.column("needs_send", sa.Boolean),
        sa.column("offered_to_schools", sa.Boolean), sa.column("sort_order", sa.Integer),
    )
    status = sa.table(
        "guarantee_status", sa.column("code"), sa.column("description"),
        sa.column("is_offer", sa.Boolean), sa.column("year_12_only", sa.Boolean),
    )
    op.bulk_insert(activity, activity_rows())
    op.bulk_insert(status, [{key: row[key] for key in ("code", "description", "is_offer", "year_12_only")}
                            for row in guarantee_rows()])


def downgrade():
    op.execute("DELETE FROM guarantee_status")
    op.execute("DELETE FROM activity_code")
