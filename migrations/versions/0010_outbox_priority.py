"""Outbox priorities: an email a person is waiting for (an access code, a new link) is sent before
the invitations, reminders and chasers of a send day (and a staff member's link to clear their
sign-in limits too). 0 is sent first; emails already in the
outbox get the priority of their kind. The index serves the sender's claim (queued emails in
priority order).

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# As tep_app.services.school_requests.outbox.PRIORITIES when this revision was written.
PRIORITIES = {'access_code': 0, 'new_link': 0, 'sign_in_unlock': 0, 'receipt': 1}
BULK = 2


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), nullable=False, server_default=str(BULK)))
        batch_op.create_index('ix_outbox_message_claim', ['status', 'priority', 'id'], unique=False)
    outbox = sa.table('outbox_message', sa.column('kind', sa.String), sa.column('priority', sa.SmallInteger))
    for kind, priority in PRIORITIES.items():
        op.execute(sa.update(outbox).where(outbox.c.kind == kind).values(priority=priority))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_claim')
        batch_op.drop_column('priority')
