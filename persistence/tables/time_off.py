"""A therapist's time off."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, Index, SmallInteger, Text
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class TimeOffRow(SQLModel, table=True):
    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_owner_span", "therapist_id", "ends_at", "starts_at"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner(index=False))
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    all_day: bool = Field(sa_column=Column(Boolean, nullable=False))
    start_minute: int | None = Field(default=None, sa_column=Column(SmallInteger))
    end_minute: int | None = Field(default=None, sa_column=Column(SmallInteger))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    starts_at: datetime = Field(sa_column=instant())
    ends_at: datetime = Field(sa_column=instant())
    created_at: datetime = Field(sa_column=instant())

