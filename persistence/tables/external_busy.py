"""Outlook busy times: the delta-read state per therapist and the busy intervals."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Text
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class OutlookBusySyncRow(SQLModel, table=True):
    """Where reading a therapist's Outlook busy times stands (Graph's delta link and window),
    and the therapist's choice about tentative events."""

    __tablename__ = "outlook_busy_syncs"

    therapist_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True)
    )
    tentative_blocks: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    delta_link: str | None = Field(default=None, sa_column=Column(Text))
    window_start: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    window_end: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    synced_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    attempted_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(500)))


class ExternalBusyRow(SQLModel, table=True):
    """One busy interval of a therapist's Outlook calendar: Graph's event ID, times, show-as.
    Never a subject, attendee, location or body."""

    __tablename__ = "external_busy"
    __table_args__ = (Index("ix_external_busy_therapist_start", "therapist_id", "start_at"),)

    therapist_id: uuid.UUID = Field(sa_column=Column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True))
    event_id: str = Field(sa_column=Column(String(512), primary_key=True))
    start_at: datetime = Field(sa_column=instant())
    end_at: datetime = Field(sa_column=instant())
    show_as: str = Field(sa_column=Column(String(16), nullable=False))
