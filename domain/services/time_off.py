"""Use cases for time off: add and remove. Sessions already booked are never touched."""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import text
from domain.availability import parse_minute
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import TimeOffChanged
from domain.model import TimeOff
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.time_off import (
    FIRST_DATE,
    LAST_DATE,
    rezoned_interval,
    time_off_interval,
    validate_time_off,
)

MAX_REASON = 500


def _date(value: str, field: str, errors: list[UserError]) -> date | None:
    try:
        found = date.fromisoformat(value.strip())
    except ValueError:
        errors.append(UserError((field,), ErrorCode.INVALID, "Use a date like 2026-12-24."))
        return None
    if not FIRST_DATE <= found <= LAST_DATE:
        errors.append(UserError((field,), ErrorCode.OUT_OF_RANGE,
                                f"Use a date from {FIRST_DATE.year} to {LAST_DATE.year}."))
        return None
    return found


def _minute(value: str | None, field: str, errors: list[UserError]) -> int | None:
    if value is None:
        return None
    minute = parse_minute(value)
    if minute is None:
        errors.append(UserError((field,), ErrorCode.INVALID_TIME, "Use HH:MM."))
    return minute


async def add(
    uow: UnitOfWork, clock: Clock, therapist_id: UUID, *, start_date: str, end_date: str,
    all_day: bool, start_time: str | None, end_time: str | None, reason: str | None,
) -> TimeOff:
    errors: list[UserError] = []
    first, last = _date(start_date, "startDate", errors), _date(end_date, "endDate", errors)
    start_minute = None if all_day else _minute(start_time, "startTime", errors)
    end_minute = None if all_day else _minute(end_time, "endTime", errors)
    errors += text.optional_text_errors(reason, ("reason",), max_length=MAX_REASON)
    if errors:
        raise RuleViolation(errors)
    assert first is not None and last is not None
    async with uow:
        therapist = await uow.therapists.get(therapist_id, for_update=True)
        assert therapist is not None
        zone = ZoneInfo(therapist.time_zone)
        problems = validate_time_off(
            start_date=first, end_date=last, all_day=all_day, start_minute=start_minute,
            end_minute=end_minute, zone=zone,
        )
        if problems:
            raise RuleViolation([UserError((f,), ErrorCode(c), m) for f, c, m in problems])
        interval = time_off_interval(
            start_date=first, end_date=last, all_day=all_day, start_minute=start_minute,
            end_minute=end_minute, zone=zone,
        )
        time_off = TimeOff(
            id=uuid.uuid4(), therapist_id=therapist_id, start_date=first, end_date=last,
            all_day=all_day, start_minute=start_minute, end_minute=end_minute,
            reason=(reason or "").strip() or None, interval=interval, created_at=clock.now(),
        )
        await uow.time_off.add(time_off)
        uow.record(TimeOffChanged(therapist_id, interval.start, interval.end))
        await uow.commit()
    return time_off


async def remove(uow: UnitOfWork, therapist_id: UUID, time_off_id: UUID | None) -> None:
    async with uow:
        found = await uow.time_off.get(time_off_id) if time_off_id else None
        if found is None or found.therapist_id != therapist_id:
            raise RuleViolation.one(("timeOffId",), ErrorCode.NOT_FOUND, "No such time off.")
        await uow.therapists.get(therapist_id, for_update=True)
        await uow.time_off.delete(found.id)
        uow.record(TimeOffChanged(therapist_id, found.interval.start, found.interval.end))
        await uow.commit()


async def rezone(uow: UnitOfWork, therapist_id: UUID, zone: ZoneInfo) -> None:
    """After a time-zone change, local dates and times mean other instants: recompute, by the
    one wall-clock rule, never refusing (an entry whose ends both fall in the new zone's gap
    becomes an empty block that hides nothing). Booking pages hear of it through the use case's
    `ProfileUpdated` (any day may have changed)."""
    for entry in await uow.time_off.of_therapist(therapist_id):
        before = entry.interval
        entry.interval = rezoned_interval(
            start_date=entry.start_date, end_date=entry.end_date, all_day=entry.all_day,
            start_minute=entry.start_minute, end_minute=entry.end_minute, zone=zone,
        )
        if entry.interval != before:
            await uow.time_off.save_interval(entry)
