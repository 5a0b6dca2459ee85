"""waitlist: entries and the 15-minute slot holds

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:00:00
"""

from alembic import op
import sqlalchemy as sa
import persistence.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('waitlist_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('event_type_id', sa.Uuid(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('visit', sa.String(length=20), nullable=True),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('last_date', sa.Date(), nullable=False),
    sa.Column('created_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ended_at', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_type_id'], ['event_types.id'], name=op.f('fk_waitlist_entries_event_type_id_event_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_waitlist_entries_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries'))
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_event_type_id'), ['event_type_id'], unique=False)
        batch_op.create_index('ix_waitlist_entries_owner_status', ['therapist_id', 'status', 'created_at'], unique=False)

    op.create_table('slot_holds',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('event_type_id', sa.Uuid(), nullable=False),
    sa.Column('start_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'], name=op.f('fk_slot_holds_entry_id_waitlist_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_type_id'], ['event_types.id'], name=op.f('fk_slot_holds_event_type_id_event_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_slot_holds_session_id_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_slot_holds_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_holds'))
    )
    with op.batch_alter_table('slot_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_holds_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_slot_holds_owner_status_span', ['therapist_id', 'status', 'end_at', 'start_at'], unique=False)
        batch_op.create_index('ix_slot_holds_status_expiry', ['status', 'expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('slot_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_slot_holds_status_expiry')
        batch_op.drop_index('ix_slot_holds_owner_status_span')
        batch_op.drop_index(batch_op.f('ix_slot_holds_entry_id'))

    op.drop_table('slot_holds')
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_entries_owner_status')
        batch_op.drop_index(batch_op.f('ix_waitlist_entries_event_type_id'))

    op.drop_table('waitlist_entries')
