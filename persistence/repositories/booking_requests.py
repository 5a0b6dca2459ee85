"""Idempotency keys of public bookings."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables.booking_requests import BookingRequestRow


class SqlBookingRequests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def session_for(self, key_hash: str) -> tuple[UUID, str | None] | None:
        row = await self.session.get(BookingRequestRow, key_hash)
        return (row.session_id, row.details_hash) if row else None

    async def add(self, key_hash: str, session_id: UUID, at: datetime, details_hash: str) -> None:
        self.session.add(BookingRequestRow(key_hash=key_hash, session_id=session_id, created_at=at,
                                           details_hash=details_hash))
