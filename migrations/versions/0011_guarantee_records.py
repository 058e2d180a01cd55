"""September Guarantee records: a young person's status for a year, as their school answered it on
the June list or an officer recorded it (with an offer's provider and date). The no-offer figure
counts the June lists' young people without a settled status. An index on young_person.updated_at
lets the figures notice a move out of the county (their cache is stamped with the newest change).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'guarantee_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('young_person_id', sa.Integer(), nullable=False),
        sa.Column('academic_year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=3), nullable=False),
        sa.Column('provider_name', sa.String(length=200), nullable=True),
        sa.Column('offer_date', sa.Date(), nullable=True),
        sa.Column('recorded_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'],
                                name=op.f('fk_guarantee_record_recorded_by_id_staff_user')),
        sa.ForeignKeyConstraint(['status'], ['guarantee_status.code'],
                                name=op.f('fk_guarantee_record_status_guarantee_status')),
        sa.ForeignKeyConstraint(['young_person_id'], ['young_person.id'],
                                name=op.f('fk_guarantee_record_young_person_id_young_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantee_record')),
    )
    op.create_index('ix_guarantee_record_person_year', 'guarantee_record', ['young_person_id', 'academic_year'],
                    unique=False)
    op.create_index('ix_young_person_updated_at', 'young_person', ['updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_young_person_updated_at', table_name='young_person')
    op.drop_index('ix_guarantee_record_person_year', table_name='guarantee_record')
    op.drop_table('guarantee_record')
