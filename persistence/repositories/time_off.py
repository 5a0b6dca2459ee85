"""A therapist's time off."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import TimeOff
from persistence.mapping import time_off_from_row, time_off_to_row
from persistence.tables.time_off import TimeOffRow


class SqlTimeOff:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, time_off: TimeOff) -> None:
        self.session.add(time_off_to_row(time_off))

    async def get(self, time_off_id: UUID) -> TimeOff | None:
        row = await self.session.get(TimeOffRow, time_off_id)
        return time_off_from_row(row) if row else None

    async def delete(self, time_off_id: UUID) -> None:
        await self.session.execute(delete(TimeOffRow).where(TimeOffRow.id == time_off_id))

    async def of_therapist(self, therapist_id: UUID) -> list[TimeOff]:
        rows = await self.session.execute(
            select(TimeOffRow).where(TimeOffRow.therapist_id == therapist_id)
        )
        return [time_off_from_row(r) for r in rows.scalars()]

    async def save_interval(self, time_off: TimeOff) -> None:
        await self.session.execute(
            update(TimeOffRow).where(TimeOffRow.id == time_off.id).values(
                starts_at=time_off.interval.start, ends_at=time_off.interval.end
            )
        )
