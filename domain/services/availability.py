"""Use cases for weekly hours: save one day, save the whole week, copy a day onto others; each
one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.availability import day_errors, parse_day, parse_slots
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import AvailabilityChanged
from domain.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SetDay:
    day: str  # MONDAY … SUNDAY, as typed: a typo is a user error
    slots: Sequence[tuple[str, str]]  # ("HH:MM", "HH:MM") pairs, as typed


@dataclass(frozen=True)
class SetWeek:
    days: Sequence[tuple[str, Sequence[tuple[str, str]]]]  # (day, slots) pairs, as typed


@dataclass(frozen=True)
class CopyDay:
    from_day: str
    to_days: Sequence[str]


async def set_day(uow: UnitOfWork, therapist_id: UUID, command: SetDay) -> None:
    """Replace one weekday's slots atomically (the Save button); empty = unavailable."""
    day, slots = command.day, command.slots
    errors = day_errors(day, ("day",))
    parsed, slot_errors = parse_slots(slots)
    errors += slot_errors
    if errors:
        raise RuleViolation(errors)
    weekday = parse_day(day)
    assert weekday is not None
    async with uow:
        await uow.therapists.get(therapist_id, for_update=True)
        await uow.availability.replace_days(therapist_id, {weekday: parsed})
        uow.record(AvailabilityChanged(therapist_id, (weekday,)))
        await uow.commit()


async def set_week(uow: UnitOfWork, therapist_id: UUID, command: SetWeek) -> None:
    """The weekly-hours screen's one Save button: every day at once, all or nothing. A day not
    listed has no hours (the whole week is replaced); a day listed twice is refused."""
    errors: list[UserError] = []
    week: dict[int, list] = {day: [] for day in range(7)}
    seen: set[int] = set()
    for i, (day, slots) in enumerate(command.days):
        errors += day_errors(day, ("days", str(i), "day"))
        parsed, slot_errors = parse_slots(slots, ("days", str(i), "slots"))
        errors += slot_errors
        weekday = parse_day(day)
        if weekday is None:
            continue
        if weekday in seen:
            errors.append(UserError(("days", str(i), "day"), ErrorCode.INVALID, "Give each day once."))
        seen.add(weekday)
        week[weekday] = parsed
    if errors:
        raise RuleViolation(errors)
    async with uow:
        await uow.therapists.get(therapist_id, for_update=True)
        await uow.availability.replace_days(therapist_id, week)
        uow.record(AvailabilityChanged(therapist_id, tuple(range(7))))
        await uow.commit()


async def copy_day(uow: UnitOfWork, therapist_id: UUID, command: CopyDay) -> None:
    """Copy one day's slots onto the ticked days, all or nothing (the copy icon and Apply)."""
    from_day, to_days = command.from_day, command.to_days
    errors: list[UserError] = day_errors(from_day, ("fromDay",))
    for i, day in enumerate(to_days):
        errors += day_errors(day, ("toDays", str(i)))
    if errors:
        raise RuleViolation(errors)
    source = parse_day(from_day)
    targets = sorted({d for d in (parse_day(day) for day in to_days) if d is not None} - {source})
    async with uow:
        await uow.therapists.get(therapist_id, for_update=True)
        week = await uow.availability.week(therapist_id)
        slots = list(week.get(source, ()))  # type: ignore[arg-type]
        await uow.availability.replace_days(therapist_id, {day: slots for day in targets})
        uow.record(AvailabilityChanged(therapist_id, tuple(targets)))
        await uow.commit()
