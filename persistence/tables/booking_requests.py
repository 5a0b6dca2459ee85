"""Idempotency keys of public bookings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class BookingRequestRow(SQLModel, table=True):
    """Idempotency of public bookings: a repeated key returns the first booking."""

    __tablename__ = "booking_requests"

    key_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    session_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime = Field(sa_column=instant())
    # SHA-256 of the booking's details: a replay with other details is IDEMPOTENCY_KEY_REUSED
    details_hash: str | None = Field(default=None, sa_column=Column(String(64)))

