"""Indexes that only cost every import go: each one a search or a join never needs.

- school_record's young_person_id and academic_year indexes: the unique constraint (young person,
  kind, year) finds a young person's records, the (year, kind, school) index finds a year's;
- contact_detail's young_person_id index: the unique constraint (young person, kind, value) leads
  with it;
- enrolment's and offer's academic_year indexes: the (year, date of birth) indexes lead with it;
- on SQLite, the plain indexes of the five name columns: its search reads lower(name) LIKE
  '%word%', which no index answers (PostgreSQL keeps its trigram indexes, which do).

Revision ID: 0020
Revises: 0019
"""
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

NAME_COLUMNS = ("forename", "preferred_forename", "middle_names", "surname", "former_surname")
COVERED = (("school_record", "young_person_id"), ("school_record", "academic_year"),
           ("contact_detail", "young_person_id"), ("enrolment", "academic_year"), ("offer", "academic_year"))


def upgrade():
    for table, column in COVERED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    if op.get_bind().dialect.name != "postgresql":
        for name in NAME_COLUMNS:
            op.drop_index(f"ix_young_person_{name}_trgm", table_name="young_person")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name in NAME_COLUMNS:
            op.create_index(f"ix_young_person_{name}_trgm", "young_person", [name], unique=False)
    for table, column in COVERED:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
