"""The measure pages' settings: `returns_setting` holds, per academic year, a value a manager sets
(the target for the NEET + Not Known percentage, "measure_target"), with who set it.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "returns_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["set_by_id"], ["staff_user.id"], name=op.f("fk_returns_setting_set_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns_setting")),
        sa.UniqueConstraint("academic_year", "key", name=op.f("uq_returns_setting_academic_year_key")),
    )


def downgrade():
    op.drop_table("returns_setting")
