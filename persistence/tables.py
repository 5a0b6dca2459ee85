"""SQLModel tables. Alembic migrations under persistence/migrations must match these."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy import Uuid as sa_Uuid
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from persistence.types import UTCDateTime

metadata = SQLModel.metadata
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _instant(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


def _owner(index: bool = True) -> Column:
    return Column(ForeignKey("therapists.id", ondelete="CASCADE"), nullable=False, index=index)


class TherapistRow(SQLModel, table=True):
    __tablename__ = "therapists"

    id: uuid.UUID = Field(primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    display_name: str = Field(sa_column=Column(String(100), nullable=False))
    username: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    time_zone: str = Field(sa_column=Column(String(64), nullable=False))
    office_street: str | None = Field(default=None, sa_column=Column(String(200)))
    office_city: str | None = Field(default=None, sa_column=Column(String(200)))
    office_state: str | None = Field(default=None, sa_column=Column(String(200)))
    office_zip: str | None = Field(default=None, sa_column=Column(String(200)))
    calendar_view: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(sa_column=_instant())
    booking_horizon_days: int | None = Field(default=None, sa_column=Column(SmallInteger))
    locale: str = Field(
        default="en_US", sa_column=Column(String(35), nullable=False, server_default="en_US")
    )


class AuthTokenRow(SQLModel, table=True):
    """Bearer tokens by SHA-256; the token itself is never stored."""

    __tablename__ = "auth_tokens"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: uuid.UUID = Field(index=True)
    created_at: datetime = Field(sa_column=_instant())
    expires_at: datetime = Field(sa_column=_instant())
    revoked_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class AvailabilitySlotRow(SQLModel, table=True):
    __tablename__ = "availability_slots"
    __table_args__ = (UniqueConstraint("therapist_id", "weekday", "start_minute"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner())
    weekday: int = Field(sa_column=Column(SmallInteger, nullable=False))
    start_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))
    end_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))


class EventTypeRow(SQLModel, table=True):
    __tablename__ = "event_types"
    __table_args__ = (Index("ix_event_types_owner_created", "therapist_id", "created_at"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner())
    title: str = Field(sa_column=Column(String(120), nullable=False))
    minutes: int = Field(sa_column=Column(SmallInteger, nullable=False))
    visit_type: str = Field(sa_column=Column(String(32), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    slot_interval_minutes: int | None = Field(default=None, sa_column=Column(SmallInteger))
    price_cents: int | None = Field(default=None, sa_column=Column(Integer))
    currency: str | None = Field(default=None, sa_column=Column(String(3)))
    created_at: datetime = Field(sa_column=_instant())
    deleted_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    name_in_emails: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class ClientRow(SQLModel, table=True):
    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_owner_status_name", "therapist_id", "status", "last_name", "first_name", "id"),
    )

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner(index=False))
    first_name: str = Field(sa_column=Column(String(100), nullable=False))
    last_name: str = Field(sa_column=Column(String(100), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    phone: str | None = Field(default=None, sa_column=Column(String(40)))
    time_zone: str | None = Field(default=None, sa_column=Column(String(64)))
    status: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(sa_column=_instant())


class SeriesRow(SQLModel, table=True):
    """A recurring series' rule; its occurrences are sessions keyed by (series, date)."""

    __tablename__ = "series"
    __table_args__ = (Index("ix_series_due", "active", "materialised_until"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner())
    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    event_type_id: uuid.UUID = Field(sa_column=Column(ForeignKey("event_types.id"), nullable=False))
    anchor_date: date = Field(sa_column=Column(Date, nullable=False))
    start_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))
    length_minutes: int = Field(sa_column=Column(SmallInteger, nullable=False))
    every_weeks: int = Field(sa_column=Column(SmallInteger, nullable=False))
    visit: str = Field(sa_column=Column(String(10), nullable=False))
    active: bool = Field(sa_column=Column(Boolean, nullable=False))
    materialised_until: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(sa_column=_instant())
    ended_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class SessionRow(SQLModel, table=True):
    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_owner_start", "therapist_id", "start_at"),
        Index("ix_sessions_client", "client_id", "start_at"),
        UniqueConstraint("series_id", "occurrence_date", name="uq_sessions_series_occurrence"),
    )

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner(index=False))
    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    )
    event_type_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("event_types.id"), nullable=False, index=True)
    )
    start_at: datetime = Field(sa_column=_instant())
    end_at: datetime = Field(sa_column=_instant())
    visit: str = Field(sa_column=Column(String(10), nullable=False))
    meeting_url: str = Field(sa_column=Column(String(500), nullable=False))
    status: str = Field(sa_column=Column(String(10), nullable=False))
    source: str = Field(sa_column=Column(String(10), nullable=False))
    client_time_zone: str | None = Field(default=None, sa_column=Column(String(64)))
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text))
    notify_client: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    fee_cents: int | None = Field(default=None, sa_column=Column(Integer))
    fee_currency: str | None = Field(default=None, sa_column=Column(String(3)))
    claim_status: str = Field(
        default="NONE", sa_column=Column(String(10), nullable=False, server_default="NONE")
    )
    series_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(ForeignKey("series.id", ondelete="SET NULL"))
    )
    ics_sequence: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    cancelled_by: str | None = Field(default=None, sa_column=Column(String(10)))
    cancelled_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    occurrence_date: date | None = Field(default=None, sa_column=Column(Date))
    created_at: datetime = Field(sa_column=_instant())


class TimeOffRow(SQLModel, table=True):
    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_owner_span", "therapist_id", "ends_at", "starts_at"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner(index=False))
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    all_day: bool = Field(sa_column=Column(Boolean, nullable=False))
    start_minute: int | None = Field(default=None, sa_column=Column(SmallInteger))
    end_minute: int | None = Field(default=None, sa_column=Column(SmallInteger))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    starts_at: datetime = Field(sa_column=_instant())
    ends_at: datetime = Field(sa_column=_instant())
    created_at: datetime = Field(sa_column=_instant())


class BookingRequestRow(SQLModel, table=True):
    """Idempotency of public bookings: a repeated key returns the first booking."""

    __tablename__ = "booking_requests"

    key_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    session_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime = Field(sa_column=_instant())
    # SHA-256 of the booking's details: a replay with other details is IDEMPOTENCY_KEY_REUSED
    details_hash: str | None = Field(default=None, sa_column=Column(String(64)))


class SessionNoteRow(SQLModel, table=True):
    """The clinical note of a session: PHI, read only by its owner, never logged."""

    __tablename__ = "session_notes"

    session_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    )
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=_instant())


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payments"

    id: uuid.UUID = Field(primary_key=True)
    session_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    amount_cents: int = Field(sa_column=Column(Integer, nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    method: str = Field(sa_column=Column(String(40), nullable=False))
    recorded_at: datetime = Field(sa_column=_instant())


class OutboxRow(SQLModel, table=True):
    """Jobs that must not be lost, written in the transaction of the change they follow and
    relayed to the broker after commit; `sent_at` is set once the broker has them."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "created_at"),)

    id: uuid.UUID = Field(primary_key=True)
    job: str = Field(sa_column=Column(String(80), nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON; IDs only, never PHI
    created_at: datetime = Field(sa_column=_instant())
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class OutlookIntegrationRow(SQLModel, table=True):
    """A therapist's Outlook connection. `tokens` is a Fernet token (the access and refresh
    tokens, encrypted with COUCHTIME_SECRET_KEYS); NULL = disconnected."""

    __tablename__ = "outlook_integrations"

    therapist_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True)
    )
    account: str | None = Field(default=None, sa_column=Column(String(254)))
    tokens: str | None = Field(default=None, sa_column=Column(Text))
    token_version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    connected_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_sync_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(500)))


class OutlookConnectStateRow(SQLModel, table=True):
    """A connect attempt: the OAuth state (SHA-256), the PKCE verifier (encrypted); single use."""

    __tablename__ = "outlook_connect_states"

    state_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    therapist_id: uuid.UUID = Field(sa_column=_owner())
    verifier: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: datetime = Field(sa_column=_instant())


class OutlookEventRow(SQLModel, table=True):
    """A session's Outlook event. No foreign key to sessions: the row outlives a deleted
    session until its Outlook event is deleted too. The lease serialises syncs of a session."""

    __tablename__ = "outlook_events"

    session_id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=_owner())
    graph_event_id: str | None = Field(default=None, sa_column=Column(String(512)))
    content_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    transaction_id: str | None = Field(default=None, sa_column=Column(String(64)))
    synced_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    lease_holder: str | None = Field(default=None, sa_column=Column(String(64)))
    lease_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    dirty: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


# --- notifications, reminders and the client portal (README: "Notifications, reminders and the portal")


class EmailSendRow(SQLModel, table=True):
    """One email per (kind, key), ever: the unique record that makes a send at most once.
    state: queued (a reminder reserved by the scheduler) → sending (claimed) → sent | skipped."""

    __tablename__ = "email_sends"

    kind: str = Field(sa_column=Column(String(40), primary_key=True))
    key: str = Field(sa_column=Column(String(100), primary_key=True))
    state: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(sa_column=_instant())
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class PortalAccountRow(SQLModel, table=True):
    """A client's portal access (password hash, Argon2id) and reminder unsubscription."""

    __tablename__ = "portal_accounts"

    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    )
    password_hash: str | None = Field(default=None, sa_column=Column(String(255)))
    invited_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    accepted_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    unsubscribed_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class PortalInviteRow(SQLModel, table=True):
    """An invite; its link carries the ID signed with COUCHTIME_SIGNING_KEY (single use)."""

    __tablename__ = "portal_invites"

    id: uuid.UUID = Field(primary_key=True)
    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(sa_column=_instant())
    expires_at: datetime = Field(sa_column=_instant())
    used_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # SHA-256 of the email address it was sent to: once the client's email changes, it is void
    sent_to: str | None = Field(default=None, sa_column=Column(String(64)))


class PasswordResetRow(SQLModel, table=True):
    """A password-reset link (therapist or portal client); its link carries the ID signed with
    COUCHTIME_SIGNING_KEY. Single use, 1 hour. `subject_id` is NULL when no account had the
    requested email (the request does the same work either way)."""

    __tablename__ = "password_resets"

    id: uuid.UUID = Field(primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: uuid.UUID | None = Field(default=None, sa_column=Column(sa_Uuid(), index=True))
    created_at: datetime = Field(sa_column=_instant())
    expires_at: datetime = Field(sa_column=_instant())
    used_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class ReminderSettingsRow(SQLModel, table=True):
    """Practice Settings > Reminders; no row = off."""

    __tablename__ = "reminder_settings"

    therapist_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True)
    )
    enabled: bool = Field(sa_column=Column(Boolean, nullable=False))
    lead_minutes: int = Field(sa_column=Column(SmallInteger, nullable=False))
    also_day_before: bool = Field(sa_column=Column(Boolean, nullable=False))


# The reminders' due-time index: due = start − lead, so the scheduler's range scan is on start.
Index("ix_sessions_start_status", SessionRow.__table__.c.start_at, SessionRow.__table__.c.status)


# --- the audit log (README: "Audit log"); persistence/audit.py writes, links and verifies it ---


class AuditEntryRow(SQLModel, table=True):
    """Append-only: who touched which records, never the records' content. `seq` and `hash`
    stay null until the linker chains the entry to its practice's previous one."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_practice", "practice_id", "id"),
        Index("uq_audit_entries_practice_seq", "practice_id", "seq", unique=True),
        Index("ix_audit_entries_unlinked", "id", sqlite_where=sql_text("seq IS NULL"),
              postgresql_where=sql_text("seq IS NULL")),
    )

    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    practice_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    at: datetime = Field(sa_column=_instant())
    actor_kind: str = Field(sa_column=Column(String(10), nullable=False))
    actor_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    actor_name: str | None = Field(default=None, sa_column=Column(String(80)))
    action: str = Field(sa_column=Column(String(20), nullable=False))
    operation: str = Field(sa_column=Column(String(200), nullable=False))
    subjects: str = Field(sa_column=Column(Text, nullable=False))  # "kind:uuid …", sorted
    client_ids: str = Field(sa_column=Column(Text, nullable=False))  # clients concerned, for the filter
    request_id: str | None = Field(default=None, sa_column=Column(String(64)))
    address: str | None = Field(default=None, sa_column=Column(String(64)))
    seq: int | None = Field(default=None, sa_column=Column(BigInteger))
    hash: str | None = Field(default=None, sa_column=Column(String(64)))


class AuditHeadRow(SQLModel, table=True):
    """Per practice: the chain's last link (so a deleted last entry shows), and the checkpoint
    left by retention pruning (the last pruned entry's seq and hash)."""

    __tablename__ = "audit_heads"

    practice_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    checkpoint_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    checkpoint_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    checkpoint_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
