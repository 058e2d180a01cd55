"""Indexes for the case page: a young person's match results and cases.

The case page's timeline looks up match results by school record and cases by young person.
Neither had an index of its own: the match results' unique constraint starts with `kind`, and the
one-open-case index covers open cases only, so both lookups scanned their whole table (about
50 ms a page on the Kent-sized county, where match_result holds three years of results).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("match_result", schema=None) as batch_op:
        batch_op.create_index("ix_match_result_school_record_id", ["school_record_id"], unique=False)
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index("ix_case_young_person_id", ["young_person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_young_person_id")
    with op.batch_alter_table("match_result", schema=None) as batch_op:
        batch_op.drop_index("ix_match_result_school_record_id")
