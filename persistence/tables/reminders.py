"""Reminder settings per practice."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Column, ForeignKey, SmallInteger
from sqlmodel import Field, SQLModel


class ReminderSettingsRow(SQLModel, table=True):
    """Practice Settings > Reminders; no row = off."""

    __tablename__ = "reminder_settings"

    therapist_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True)
    )
    enabled: bool = Field(sa_column=Column(Boolean, nullable=False))
    lead_minutes: int = Field(sa_column=Column(SmallInteger, nullable=False))
    also_day_before: bool = Field(sa_column=Column(Boolean, nullable=False))

