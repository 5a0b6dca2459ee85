"""Date overrides: one date with its own hours ("24 December: 09:00–12:00") or none, on top of
the weekly hours and under time off (time off still blocks inside an override's hours)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from domain.availability import parse_slots
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import AvailabilityChanged
from domain.model import TimeSlot
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.wallclock import local_date, zone_or_none

MAX_AHEAD = timedelta(days=730)  # as far as any booking window reaches
LISTED_AHEAD = 400  # dates `me.dateOverrides` returns at most


@dataclass(frozen=True)
class DateOverride:
    day: date
    slots: tuple[TimeSlot, ...]  # empty: no hours that date


@dataclass(frozen=True)
class SetDateOverride:
    day: date
    slots: tuple[tuple[str, str], ...]  # ("HH:MM", "HH:MM"), as typed


@dataclass(frozen=True)
class RemoveDateOverride:
    day: date


def today_of(clock: Clock, time_zone: str) -> date:
    zone = zone_or_none(time_zone)
    return local_date(clock.now(), zone) if zone else clock.now().date()


def _day_errors(day: date, today: date) -> list[UserError]:
    if day < today:
        return [UserError(("date",), ErrorCode.OUT_OF_RANGE, "Pick today or a later date.")]
    if day > today + MAX_AHEAD:
        return [UserError(("date",), ErrorCode.OUT_OF_RANGE, "Pick a date within two years.")]
    return []


async def set_override(uow: UnitOfWork, clock: Clock, therapist_id: UUID, command: SetDateOverride
                       ) -> DateOverride:
    parsed, errors = parse_slots(command.slots)
    async with uow:
        therapist = await uow.therapists.get(therapist_id, for_update=True)
        assert therapist is not None
        errors = _day_errors(command.day, today_of(clock, therapist.time_zone)) + errors
        if errors:
            raise RuleViolation(errors)
        await uow.availability.set_override(therapist_id, command.day, parsed)
        uow.record(AvailabilityChanged(therapist_id, (command.day.weekday(),)))
        await uow.commit()
    return DateOverride(command.day, tuple(parsed))


async def remove_override(uow: UnitOfWork, therapist_id: UUID, command: RemoveDateOverride) -> date:
    """Back to the weekday's hours; NOT_FOUND when the date had no override."""
    async with uow:
        await uow.therapists.get(therapist_id, for_update=True)
        if not await uow.availability.remove_override(therapist_id, command.day):
            raise RuleViolation.one(("date",), ErrorCode.NOT_FOUND, "That date has no override.")
        uow.record(AvailabilityChanged(therapist_id, (command.day.weekday(),)))
        await uow.commit()
    return command.day
