"""Recurring series; their occurrences are rows of `sessions`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, SmallInteger, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class SeriesRow(SQLModel, table=True):
    """A recurring series' rule; its occurrences are sessions keyed by (series, date)."""

    __tablename__ = "series"
    __table_args__ = (Index("ix_series_due", "active", "materialised_until"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner())
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
    created_at: datetime = Field(sa_column=instant())
    ended_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))

