"""Sessions with their clinical notes and payments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class SessionRow(SQLModel, table=True):
    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_owner_start", "therapist_id", "start_at"),
        Index("ix_sessions_client", "client_id", "start_at"),
        UniqueConstraint("series_id", "occurrence_date", name="uq_sessions_series_occurrence"),
    )

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner(index=False))
    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    )
    event_type_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("event_types.id"), nullable=False, index=True)
    )
    start_at: datetime = Field(sa_column=instant())
    end_at: datetime = Field(sa_column=instant())
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
    cancelled_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    occurrence_date: date | None = Field(default=None, sa_column=Column(Date))
    created_at: datetime = Field(sa_column=instant())


class SessionNoteRow(SQLModel, table=True):
    """The clinical note of a session: PHI, read only by its owner, never logged."""

    __tablename__ = "session_notes"

    session_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    )
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=instant())


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payments"

    id: uuid.UUID = Field(primary_key=True)
    session_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    amount_cents: int = Field(sa_column=Column(Integer, nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    method: str = Field(sa_column=Column(String(40), nullable=False))
    recorded_at: datetime = Field(sa_column=instant())


# The reminders' due-time index: due = start − lead, so the scheduler's range scan is on start.
Index("ix_sessions_start_status", SessionRow.__table__.c.start_at, SessionRow.__table__.c.status)
