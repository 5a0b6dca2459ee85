"""A therapist's weekly working hours."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import TimeSlot
from persistence.tables.availability import AvailabilitySlotRow


class SqlAvailability:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def week(self, therapist_id: UUID) -> Mapping[int, Sequence[TimeSlot]]:
        rows = await self.session.execute(
            select(AvailabilitySlotRow.weekday, AvailabilitySlotRow.start_minute,
                   AvailabilitySlotRow.end_minute)
            .where(AvailabilitySlotRow.therapist_id == therapist_id)
            .order_by(AvailabilitySlotRow.weekday, AvailabilitySlotRow.start_minute)
        )
        week: dict[int, list[TimeSlot]] = {}
        for weekday, start, end in rows:
            week.setdefault(weekday, []).append(TimeSlot(start, end))
        return week

    async def replace_days(
        self, therapist_id: UUID, days: Mapping[int, Sequence[TimeSlot]]
    ) -> None:
        if not days:
            return
        await self.session.execute(
            delete(AvailabilitySlotRow).where(
                AvailabilitySlotRow.therapist_id == therapist_id,
                AvailabilitySlotRow.weekday.in_(list(days)),
            )
        )
        self.session.add_all(
            AvailabilitySlotRow(
                id=uuid.uuid4(), therapist_id=therapist_id, weekday=weekday,
                start_minute=slot.start_minute, end_minute=slot.end_minute,
            )
            for weekday, slots in days.items()
            for slot in slots
        )
