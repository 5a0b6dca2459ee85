"""A therapist's weekly working hours and date overrides."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import TimeSlot
from persistence.database import Database
from persistence.tables.availability import AvailabilitySlotRow, DateOverrideRow


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

    async def overrides(self, therapist_id: UUID, start: date, end: date) -> dict[date, list[TimeSlot]]:
        """Date overrides from `start` to `end` (inclusive); a closed date maps to []."""
        rows = await self.session.execute(
            select(DateOverrideRow.day, DateOverrideRow.start_minute, DateOverrideRow.end_minute)
            .where(DateOverrideRow.therapist_id == therapist_id, DateOverrideRow.day >= start,
                   DateOverrideRow.day <= end)
            .order_by(DateOverrideRow.day, DateOverrideRow.start_minute)
        )
        return overrides_of(rows)

    async def set_override(self, therapist_id: UUID, day: date, slots: Sequence[TimeSlot]) -> None:
        """Replace the date's hours (no slots: closed that date)."""
        await self.remove_override(therapist_id, day)
        self.session.add_all(
            DateOverrideRow(id=uuid.uuid4(), therapist_id=therapist_id, day=day,
                            start_minute=slot.start_minute, end_minute=slot.end_minute)
            for slot in (slots or [TimeSlot(0, 0)])
        )
        await self.session.flush()

    async def remove_override(self, therapist_id: UUID, day: date) -> bool:
        result = await self.session.execute(delete(DateOverrideRow).where(
            DateOverrideRow.therapist_id == therapist_id, DateOverrideRow.day == day))
        return bool(result.rowcount)


async def overrides_between(db: Database, therapist_id: UUID, start: date, end: date
                            ) -> dict[date, list[TimeSlot]]:
    """For reads outside a unit of work (`me.dateOverrides`)."""
    async with db.read_session() as session:
        return await SqlAvailability(session).overrides(therapist_id, start, end)


def overrides_of(rows) -> dict[date, list[TimeSlot]]:
    """(day, start, end) rows → date → hours; the 0–0 row of a closed date becomes []."""
    found: dict[date, list[TimeSlot]] = {}
    for day, start, end in rows:
        slots = found.setdefault(_as_date(day), [])
        if end > start:
            slots.append(TimeSlot(start, end))
    for slots in found.values():
        slots.sort(key=lambda s: s.start_minute)
    return found


def _as_date(value) -> date:
    """A UNION loses column types on SQLite: dates may come back as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
