"""The retention schedule: its rules as data an admin edits, and young people marked anonymised.

`retention_rule` holds the schedule, seeded with its defaults: a young person's personal data is
anonymised at the end of the academic year (31 August) in which they reach 20, or 26 with an EHCP;
contact attempts and notes go 6 years after the last contact; audit rows are deleted after 7 years;
values an import left out are cleared 2 years after the import. `young_person.anonymised_at`
records when the retention run anonymised someone, so a second run leaves them be.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

DEFAULT_RULES = (
    {"key": "young_person", "label": "A young person's personal data", "age": 20, "ehcp_age": 26, "years": None},
    {"key": "contact", "label": "Contact attempts and notes", "age": None, "ehcp_age": None, "years": 6},
    {"key": "audit", "label": "The audit trail", "age": None, "ehcp_age": None, "years": 7},
    {"key": "import_values", "label": "Values an import left out", "age": None, "ehcp_age": None, "years": 2},
)


def _timestamps():
    return (sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                      nullable=False))


def upgrade():
    rules = op.create_table(
        "retention_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("ehcp_age", sa.Integer(), nullable=True),
        sa.Column("years", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rule")),
        sa.UniqueConstraint("key", name=op.f("uq_retention_rule_key")),
    )
    op.bulk_insert(rules, list(DEFAULT_RULES))
    with op.batch_alter_table("young_person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("young_person", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
    op.drop_table("retention_rule")
