"""A therapist's weekly working hours."""

from __future__ import annotations

import uuid

from sqlalchemy import Column, SmallInteger, UniqueConstraint
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

