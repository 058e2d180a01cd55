"""Printed letters: the letter_template table, an admin's texts for the letters printed for young
people the service could not reach by phone, with the default text written in.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# The default text as it was when the table was made (the service writes it too if it is missing).
TITLE = 'What are you doing now?'
BODY = (
    'Dear ((first_name)),\n\n'
    'We are The Education People. We work for Kent County Council to help young people find the right '
    'education, training or work after school.\n\n'
    'We have tried to phone you a few times but we have not been able to speak to you. We would like to '
    'know what you are doing now. For example, are you at college or in a sixth form, doing an '
    'apprenticeship or a job, or looking for something to do?\n\n'
    'Please call ((officer_name)) on ((reply_phone)) or email ((reply_email)) to tell us. It only takes a'
    ' few minutes.\n\n'
    'If you are not sure what to do next, we can help. We can talk through your choices with you, help '
    'you find a course, an apprenticeship or a job, and help you apply. Our help is free.\n\n'
    'If you have moved away from Kent, please let us know so that we can update our records.'
)


def upgrade():
    letter_template = op.create_table(
        "letter_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_template")),
        sa.UniqueConstraint("key", name=op.f("uq_letter_template_key")),
    )
    op.bulk_insert(letter_template, [{"key": "not_reached", "title": TITLE, "body": BODY}])


def downgrade():
    op.drop_table("letter_template")
