"""Outlook busy times: the delta-read state per therapist and the busy intervals

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import persistence.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outlook_busy_syncs',
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('tentative_blocks', sa.Boolean(), nullable=False),
    sa.Column('delta_link', sa.Text(), nullable=True),
    sa.Column('window_start', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('window_end', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('synced_at', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempted_at', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_outlook_busy_syncs_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('therapist_id', name=op.f('pk_outlook_busy_syncs'))
    )
    op.create_table('external_busy',
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.String(length=512), nullable=False),
    sa.Column('start_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('show_as', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_external_busy_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('therapist_id', 'event_id', name=op.f('pk_external_busy'))
    )
    with op.batch_alter_table('external_busy', schema=None) as batch_op:
        batch_op.create_index('ix_external_busy_therapist_start', ['therapist_id', 'start_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('external_busy', schema=None) as batch_op:
        batch_op.drop_index('ix_external_busy_therapist_start')
    op.drop_table('external_busy')
    op.drop_table('outlook_busy_syncs')
