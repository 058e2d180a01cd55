"""Finding anyone: indexes for a search by name, date of birth, postcode and phone number.

On PostgreSQL the name columns get trigram indexes (pg_trgm, GIN), so a name typed with a slip or
only its start is found without reading every young person; rows an import adds wait in a short
pending list (256 kB, not the default 4 MB), which every search would otherwise read through.
SQLite, the demo's database, gets plain indexes of the same names and searches with LIKE. Dates
of birth, postcodes and contact details' values get ordinary indexes on both.

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NAME_COLUMNS = ("forename", "preferred_forename", "middle_names", "surname", "former_surname")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in NAME_COLUMNS:
        if postgresql:
            op.create_index(f"ix_young_person_{name}_trgm", "young_person", [name], unique=False,
                            postgresql_using="gin", postgresql_ops={name: "gin_trgm_ops"},
                            postgresql_with={"gin_pending_list_limit": "256"})
        else:
            op.create_index(f"ix_young_person_{name}_trgm", "young_person", [name], unique=False)
    op.create_index("ix_young_person_date_of_birth", "young_person", ["date_of_birth"], unique=False)
    op.create_index("ix_young_person_postcode", "young_person", ["postcode"], unique=False)
    op.create_index("ix_contact_detail_value", "contact_detail", ["value"], unique=False)


def downgrade():
    op.drop_index("ix_contact_detail_value", table_name="contact_detail")
    op.drop_index("ix_young_person_postcode", table_name="young_person")
    op.drop_index("ix_young_person_date_of_birth", table_name="young_person")
    for name in NAME_COLUMNS:
        op.drop_index(f"ix_young_person_{name}_trgm", table_name="young_person")
