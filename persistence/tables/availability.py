"""A therapist's weekly working hours, and the dates whose hours differ (date overrides)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Column, Date, SmallInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import owner


class AvailabilitySlotRow(SQLModel, table=True):
    __tablename__ = "availability_slots"
    __table_args__ = (UniqueConstraint("therapist_id", "weekday", "start_minute"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner())
    weekday: int = Field(sa_column=Column(SmallInteger, nullable=False))
    start_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))
    end_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))


class DateOverrideRow(SQLModel, table=True):
    """One slot of a date's own hours, replacing that weekday's. A date with no hours at all is
    one row 0–0 (the date is closed)."""

    __tablename__ = "date_overrides"
    __table_args__ = (UniqueConstraint("therapist_id", "day", "start_minute"),)

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner())
    day: date = Field(sa_column=Column(Date, nullable=False))
    start_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))
    end_minute: int = Field(sa_column=Column(SmallInteger, nullable=False))
