"""Rules of the public booking page, shared by the slot listing and the booking itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import recurrence
from domain.errors import ErrorCode, UserError
from domain.intervals import Interval
from domain.model import EventType, Series, SeriesSpan, Therapist, TimeSlot
from domain.slots import BookingRules, default_grid_minutes
from domain.wallclock import local_date

MAX_RANGE_DAYS = 62
MIN_SLOT_INTERVAL, MAX_SLOT_INTERVAL = 5, 240
MIN_NOTICE_MINUTES = 30  # the guide's default notice; an event type may set its own
MAX_BUFFER_MINUTES = 240
MAX_NOTICE_MINUTES = 60 * 24 * 60  # 60 days
MAX_PER_DAY = 48
MAX_WINDOW_DAYS = 730


def grid_minutes(event_type: EventType) -> int:
    return event_type.slot_interval_minutes or default_grid_minutes(event_type.minutes)


class BusyKind(StrEnum):
    SESSION = "SESSION"  # blocks; buffers keep clear of it; counts toward its type's daily cap
    TIME_OFF = "TIME_OFF"  # blocks
    OUTSIDE = "OUTSIDE"  # a busy time of the therapist's Outlook calendar: blocks; buffers keep clear
    HOLD = "HOLD"  # an active waitlist hold (domain/waitlist.py): blocks like the session it may become


@dataclass(frozen=True, slots=True)
class Busy:
    interval: Interval
    kind: BusyKind = BusyKind.SESSION
    event_type_id: UUID | None = None  # a session's event type


@dataclass(frozen=True)
class SlotFacts:
    """What decides the free starts of one event type, as the caller loaded it: the therapist's
    weekly hours, what is busy (sessions, time off, Outlook busy times, waitlist holds; a bare
    Interval counts as a session) and the active series overlapping `window` (see `facts_window`), and the
    therapist's date overrides (local date → hours; no hours = closed that date)."""

    therapist: Therapist
    event_type: EventType
    weekly: Mapping[int, Sequence[TimeSlot]]
    busy: Sequence[Busy | Interval]
    active_series: Sequence[Series | SeriesSpan]
    window: Interval
    overrides: Mapping[date, Sequence[TimeSlot]] = field(default_factory=dict)


_COUNTED = (BusyKind.SESSION, BusyKind.HOLD)  # toward the event type's daily cap


def without_hold(busy: Sequence[Busy | Interval], held: Interval) -> list[Busy | Interval]:
    """The busy facts a claim checks its start against: all but its own hold (two active holds
    never share an interval, since a hold is only placed on a start free of the others)."""
    return [b for b in busy if not (isinstance(b, Busy) and b.kind is BusyKind.HOLD and b.interval == held)]


def facts_window(event_type: EventType, first_start: datetime, last_start: datetime) -> Interval:
    """The span whose busy facts decide starts from `first_start` to `last_start`: a session
    starting at `last_start` runs for the event type's length; buffers reach before and after;
    a daily cap needs every session of the starts' local dates (a day either side covers any zone)."""
    day = timedelta(days=1) if event_type.max_per_day is not None else timedelta(0)
    return Interval(
        first_start - timedelta(minutes=event_type.buffer_before_minutes) - day,
        last_start + timedelta(minutes=event_type.minutes + event_type.buffer_after_minutes) + day,
    )


def _horizon(therapist: Therapist, event_type: EventType) -> int | None:
    """The tighter of the practice's booking horizon and the event type's booking window."""
    limits = [d for d in (therapist.booking_horizon_days, event_type.booking_window_days) if d is not None]
    return min(limits) if limits else None


def slot_rules(facts: SlotFacts, now: datetime) -> BookingRules:
    """The one slot function: weekly hours minus busy sessions and time off minus the occurrences
    active series will create, with the event type's grid and the therapist's notice and horizon.
    The booking page lists `free_starts` of it and a booking re-checks with `is_bookable`, so a
    listed slot can be booked and an unlisted one cannot. It answers for starts whose session
    lies inside `facts.window`."""
    therapist, event_type = facts.therapist, facts.event_type
    zone = ZoneInfo(therapist.time_zone)
    known = [b if isinstance(b, Busy) else Busy(b) for b in facts.busy]
    future = recurrence.future_busy(facts.active_series, therapist.time_zone, facts.window.start,
                                    facts.window.end)  # sessions series will create
    busy = [b.interval for b in known] + list(future)
    buffered = [b.interval for b in known if b.kind is not BusyKind.TIME_OFF] + list(future)
    booked = Counter(local_date(b.interval.start, zone) for b in known
                     if b.kind in _COUNTED and b.event_type_id == event_type.id)
    minutes = lambda slots: [(s.start_minute, s.end_minute) for s in slots]  # noqa: E731
    return BookingRules(
        weekly={day: minutes(slots) for day, slots in facts.weekly.items()},
        zone=zone,
        length_minutes=event_type.minutes,
        grid_minutes=grid_minutes(event_type),
        busy=busy,
        now=now,
        horizon_days=_horizon(therapist, event_type),
        min_notice_minutes=MIN_NOTICE_MINUTES if event_type.min_notice_minutes is None
        else event_type.min_notice_minutes,
        overrides={day: minutes(slots) for day, slots in facts.overrides.items()},
        buffer_before_minutes=event_type.buffer_before_minutes,
        buffer_after_minutes=event_type.buffer_after_minutes,
        buffered=buffered,
        max_per_day=event_type.max_per_day,
        booked_per_day=booked,
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


def booking_rule_errors(*, buffer_before: int, buffer_after: int, notice: int | None,
                        per_day: int | None, window_days: int | None) -> list[UserError]:
    """An event type's booking rules, each in its range."""
    checks = [
        ("bufferBeforeMinutes", buffer_before, 0, MAX_BUFFER_MINUTES, "minutes"),
        ("bufferAfterMinutes", buffer_after, 0, MAX_BUFFER_MINUTES, "minutes"),
        ("minimumNoticeMinutes", notice, 0, MAX_NOTICE_MINUTES, "minutes"),
        ("maxBookingsPerDay", per_day, 1, MAX_PER_DAY, "sessions"),
        ("bookingWindowDays", window_days, 1, MAX_WINDOW_DAYS, "days"),
    ]
    return [UserError((name,), ErrorCode.OUT_OF_RANGE, f"Use {lo} to {hi:,} {unit}.")
            for name, value, lo, hi, unit in checks if value is not None and not lo <= value <= hi]


def horizon_errors(days: int | None) -> list[UserError]:
    if days is not None and not 1 <= days <= 730:
        return [
            UserError(("bookingHorizonDays",), ErrorCode.OUT_OF_RANGE, "Use 1 to 730 days.")
        ]
    return []
