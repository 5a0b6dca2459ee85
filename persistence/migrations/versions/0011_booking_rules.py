"""booking rules per event type (buffers, notice, daily cap, window) and date overrides

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buffer_before_minutes', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('buffer_after_minutes', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('min_notice_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_per_day', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('booking_window_days', sa.SmallInteger(), nullable=True))
    op.create_table('date_overrides',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_minute', sa.SmallInteger(), nullable=False),
    sa.Column('end_minute', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_date_overrides_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_overrides')),
    sa.UniqueConstraint('therapist_id', 'day', 'start_minute', name=op.f('uq_date_overrides_therapist_id'))
    )
    with op.batch_alter_table('date_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_overrides_therapist_id'), ['therapist_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('date_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_overrides_therapist_id'))
    op.drop_table('date_overrides')
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.drop_column('booking_window_days')
        batch_op.drop_column('max_per_day')
        batch_op.drop_column('min_notice_minutes')
        batch_op.drop_column('buffer_after_minutes')
        batch_op.drop_column('buffer_before_minutes')
