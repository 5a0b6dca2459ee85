"""The waitlist (domain/waitlist.py): who waits for which event type over which local dates, and
the 15-minute holds offered to them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class WaitlistEntryRow(SQLModel, table=True):
    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_entries_owner_status", "therapist_id", "status", "created_at"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner(index=False))
    event_type_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False, index=True))
    first_name: str = Field(sa_column=Column(String(100), nullable=False))
    last_name: str = Field(sa_column=Column(String(100), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    phone: str | None = Field(default=None, sa_column=Column(String(40)))
    time_zone: str = Field(sa_column=Column(String(64), nullable=False))
    visit: str | None = Field(default=None, sa_column=Column(String(20)))
    first_date: date = Field(sa_column=Column(Date, nullable=False))
    last_date: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(sa_column=instant())
    status: str = Field(sa_column=Column(String(10), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))


class SlotHoldRow(SQLModel, table=True):
    __tablename__ = "slot_holds"
    __table_args__ = (
        Index("ix_slot_holds_owner_status_span", "therapist_id", "status", "end_at", "start_at"),
        Index("ix_slot_holds_status_expiry", "status", "expires_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    entry_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"), nullable=False, index=True))
    therapist_id: uuid.UUID = Field(sa_column=owner(index=False))
    event_type_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False))
    start_at: datetime = Field(sa_column=instant())
    end_at: datetime = Field(sa_column=instant())
    created_at: datetime = Field(sa_column=instant())
    expires_at: datetime = Field(sa_column=instant())
    status: str = Field(sa_column=Column(String(10), nullable=False))
    session_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True))
