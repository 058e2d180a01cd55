"""Sign-in throttled, not locked: wrong passwords are counted per account and address
(sign_in_throttle), an account's count across every address slows down addresses that have failed
and tells the owner, who can clear it with a one-time link (sign_in_unlock). The account lock
goes: `locked_until` becomes the start of the account's count window. An account locked or with
failures when this runs keeps its count, starting now; nothing is refused for lack of an address.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_staff = sa.table('staff_user', sa.column('failed_logins', sa.Integer),
                  sa.column('failed_logins_since', sa.DateTime(timezone=True)),
                  sa.column('locked_until', sa.DateTime(timezone=True)))


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.alter_column('locked_until', new_column_name='failed_logins_since',
                              existing_type=sa.DateTime(timezone=True), existing_nullable=True)
        batch_op.add_column(sa.Column('last_slowed_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('throttle_emailed_at', sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    # A locked account had had five wrong passwords: they count in its window, which starts now.
    connection.execute(sa.update(_staff).where(_staff.c.failed_logins_since.is_not(None))
                       .values(failed_logins=sa.func.greatest(_staff.c.failed_logins, 5)
                               if connection.dialect.name == 'postgresql'
                               else sa.func.max(_staff.c.failed_logins, 5)))
    connection.execute(sa.update(_staff).where(_staff.c.failed_logins > 0)
                       .values(failed_logins_since=sa.func.current_timestamp()))
    op.create_table('sign_in_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'],
                            name=op.f('fk_sign_in_throttle_staff_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')),
    sa.UniqueConstraint('staff_user_id', 'address', name=op.f('uq_sign_in_throttle_staff_user_id_address'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_staff_user_id'), ['staff_user_id'], unique=False)
    op.create_table('sign_in_unlock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'],
                            name=op.f('fk_sign_in_unlock_staff_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_unlock')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_unlock_token_hash'))
    )
    with op.batch_alter_table('sign_in_unlock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_unlock_staff_user_id'), ['staff_user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_unlock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_unlock_staff_user_id'))
    op.drop_table('sign_in_unlock')
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_staff_user_id'))
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('throttle_emailed_at')
        batch_op.drop_column('last_slowed_check_at')
        batch_op.alter_column('failed_logins_since', new_column_name='locked_until',
                              existing_type=sa.DateTime(timezone=True), existing_nullable=True)
    # The lock's clock starts again at the next wrong password: no account comes back locked.
    op.get_bind().execute(sa.update(_staff).values(failed_logins=0, locked_until=None))
