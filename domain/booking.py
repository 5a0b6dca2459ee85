"""Rules of the public booking page, shared by the slot listing and the booking itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain import recurrence
from domain.errors import ErrorCode, UserError
from domain.intervals import Interval
from domain.model import EventType, Series, SeriesSpan, Therapist, TimeSlot
from domain.slots import BookingRules, default_grid_minutes

MAX_RANGE_DAYS = 62
MIN_SLOT_INTERVAL, MAX_SLOT_INTERVAL = 5, 240
MIN_NOTICE_MINUTES = 30


def grid_minutes(event_type: EventType) -> int:
    return event_type.slot_interval_minutes or default_grid_minutes(event_type.minutes)


@dataclass(frozen=True)
class SlotFacts:
    """What decides the free starts of one event type, as the caller loaded it: the therapist's
    weekly hours, and the sessions and time off (`busy`) and active series overlapping `window`
    (see `facts_window`)."""

    therapist: Therapist
    event_type: EventType
    weekly: Mapping[int, Sequence[TimeSlot]]
    busy: Sequence[Interval]
    active_series: Sequence[Series | SeriesSpan]
    window: Interval


def facts_window(event_type: EventType, first_start: datetime, last_start: datetime) -> Interval:
    """The span whose busy facts decide starts from `first_start` to `last_start`: a session
    starting at `last_start` runs for the event type's length."""
    return Interval(first_start, last_start + timedelta(minutes=event_type.minutes))


def slot_rules(facts: SlotFacts, now: datetime) -> BookingRules:
    """The one slot function: weekly hours minus busy sessions and time off minus the occurrences
    active series will create, with the event type's grid and the therapist's notice and horizon.
    The booking page lists `free_starts` of it and a booking re-checks with `is_bookable`, so a
    listed slot can be booked and an unlisted one cannot. It answers for starts whose session
    lies inside `facts.window`."""
    therapist, event_type = facts.therapist, facts.event_type
    busy = [
        *facts.busy,
        *recurrence.future_busy(
            facts.active_series, therapist.time_zone, facts.window.start, facts.window.end
        ),
    ]
    return BookingRules(
        weekly={day: [(s.start_minute, s.end_minute) for s in slots] for day, slots in facts.weekly.items()},
        zone=ZoneInfo(therapist.time_zone),
        length_minutes=event_type.minutes,
        grid_minutes=grid_minutes(event_type),
        busy=busy,
        now=now,
        horizon_days=therapist.booking_horizon_days,
        min_notice_minutes=MIN_NOTICE_MINUTES,
    )


def range_errors(start: datetime, end: datetime, field: tuple[str, ...] = ()) -> list[UserError]:
    """The one check of every [from, to) argument (calendar, conflicts, free slots and their
    subscriptions): both ends are instants with a UTC offset, in order, at most 62 days apart."""
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            return [UserError((*field, name), ErrorCode.INVALID,
                              "Give an instant with a UTC offset, e.g. 2026-07-01T09:00:00Z.")]
    if end <= start:
        return [UserError((*field, "to"), ErrorCode.INVALID_RANGE, "`to` must be after `from`.")]
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        return [
            UserError(
                (*field, "to"), ErrorCode.RANGE_TOO_LONG,
                f"A range spans at most {MAX_RANGE_DAYS} days.",
            )
        ]
    return []


def slot_interval_errors(minutes: int | None) -> list[UserError]:
    if minutes is not None and not MIN_SLOT_INTERVAL <= minutes <= MAX_SLOT_INTERVAL:
        return [
            UserError(
                ("slotIntervalMinutes",), ErrorCode.OUT_OF_RANGE,
                f"Start times are {MIN_SLOT_INTERVAL} to {MAX_SLOT_INTERVAL} minutes apart.",
            )
        ]
    return []


def horizon_errors(days: int | None) -> list[UserError]:
    if days is not None and not 1 <= days <= 730:
        return [
            UserError(("bookingHorizonDays",), ErrorCode.OUT_OF_RANGE, "Use 1 to 730 days.")
        ]
    return []
