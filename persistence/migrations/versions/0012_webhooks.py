"""webhooks: endpoints and deliveries

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:10:00
"""

from alembic import op
import sqlalchemy as sa
import persistence.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('events', sa.Text(), nullable=False),
    sa.Column('secret_sealed', sa.Text(), nullable=False),
    sa.Column('previous_sealed', sa.Text(), nullable=True),
    sa.Column('previous_until', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_webhook_endpoints_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('endpoint_id', sa.Uuid(), nullable=False),
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_response_code', sa.SmallInteger(), nullable=True),
    sa.Column('last_attempt_at', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_webhook_deliveries_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('endpoint_id', 'message_id', name='uq_webhook_deliveries_message')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_owner', ['therapist_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_owner')
        batch_op.drop_index('ix_webhook_deliveries_due')
    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_therapist_id'))
    op.drop_table('webhook_endpoints')
