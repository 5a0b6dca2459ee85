"""The kinds of session a therapist offers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Column, Index, Integer, SmallInteger, String, Text, false
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class EventTypeRow(SQLModel, table=True):
    __tablename__ = "event_types"
    __table_args__ = (Index("ix_event_types_owner_created", "therapist_id", "created_at"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner())
    title: str = Field(sa_column=Column(String(120), nullable=False))
    minutes: int = Field(sa_column=Column(SmallInteger, nullable=False))
    visit_type: str = Field(sa_column=Column(String(32), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    slot_interval_minutes: int | None = Field(default=None, sa_column=Column(SmallInteger))
    price_cents: int | None = Field(default=None, sa_column=Column(Integer))
    currency: str | None = Field(default=None, sa_column=Column(String(3)))
    # booking rules (domain/booking.py)
    buffer_before_minutes: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False,
                                                                  server_default="0"))
    buffer_after_minutes: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False,
                                                                 server_default="0"))
    min_notice_minutes: int | None = Field(default=None, sa_column=Column(Integer))
    max_per_day: int | None = Field(default=None, sa_column=Column(SmallInteger))
    booking_window_days: int | None = Field(default=None, sa_column=Column(SmallInteger))
    created_at: datetime = Field(sa_column=instant())
    deleted_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    name_in_emails: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )

