"""calendar feed: one secret, revocable iCalendar feed per therapist

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import persistence.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('therapist_id', sa.Uuid(), nullable=False),
    sa.Column('feed_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_calendar_feeds_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('therapist_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('feed_id', name=op.f('uq_calendar_feeds_feed_id'))
    )


def downgrade() -> None:
    op.drop_table('calendar_feeds')
