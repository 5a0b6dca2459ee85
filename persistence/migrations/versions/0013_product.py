"""product: the therapist's locale, naming the session type in emails, calendar invite
revisions, who cancelled a session and when

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa
import persistence.types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=35), server_default='en_US', nullable=False))
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_in_emails', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ics_sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', persistence.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('ics_sequence')
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.drop_column('name_in_emails')
    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.drop_column('locale')
