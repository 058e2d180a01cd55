"""Mail without secrets: a link or a code is made when its email is sent, from a random nonce and
the secret key, so the outbox keeps only ((link)) and ((code)). Each email keeps one Message-ID for
every attempt. Links and codes already in emails that were sent are blanked out.

Revision ID: 0007
Revises: 0006
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LINK = re.compile(r"\S+/school/start/\S+")
CODE = re.compile(r"\b\d{6}\b")


def upgrade():
    with op.batch_alter_table('school_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=64), nullable=True))
    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=64), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('access_code_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_access_code_id_access_code'), 'access_code',
                                    ['access_code_id'], ['id'])
    _blank_sent_secrets()


def _blank_sent_secrets():
    """Emails already sent keep their text for the record, without the link or the code. Emails
    still queued keep theirs: they are sent as they were written."""
    outbox = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('status', sa.String), sa.column('subject', sa.String), sa.column('body', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(outbox.c.id, outbox.c.kind, outbox.c.subject, outbox.c.body)
                              .where(outbox.c.status == 'sent',
                                     sa.or_(outbox.c.kind == 'access_code', outbox.c.body.like('%/school/start/%'),
                                            outbox.c.subject.like('%/school/start/%')))).all()
    for row in rows:
        subject, body = LINK.sub('((link))', row.subject), LINK.sub('((link))', row.body)
        if row.kind == 'access_code':
            subject, body = CODE.sub('((code))', subject), CODE.sub('((code))', body)
        if (subject, body) != (row.subject, row.body):
            connection.execute(sa.update(outbox).where(outbox.c.id == row.id).values(subject=subject, body=body))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_access_code_id_access_code'), type_='foreignkey')
        batch_op.drop_column('access_code_id')
        batch_op.drop_column('link_nonce')
        batch_op.drop_column('message_id')
    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.drop_column('nonce')
    with op.batch_alter_table('school_request', schema=None) as batch_op:
        batch_op.drop_column('link_nonce')
