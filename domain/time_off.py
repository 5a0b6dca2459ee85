"""Time off entered in local dates and times, turned into one busy interval of instants.

Validation resolves times exactly as conversion does, so input that validates always
converts to a non-empty interval. Messages are fixed strings: they never echo user input.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from domain.errors import ErrorCode
from domain.intervals import Interval
from domain.wallclock import MINUTES_PER_DAY, local_instant_or_later

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

MAX_SPAN_DAYS = 366
"""Longest time off, counted in calendar days touched (a whole leap year fits)."""

Problem = tuple[str, str, str]
"""(field_name, code, message); codes are ErrorCode members (plain strings too)."""


def time_off_interval(
    *,
    start_date: date,
    end_date: date,
    all_day: bool,
    start_minute: int | None,
    end_minute: int | None,
    zone: ZoneInfo,
) -> Interval:
    """The busy instants of a time-off entry; invalid input (see validate) raises ValueError.

    All day: local midnight of start_date to local midnight after end_date (23 or 25 hours
    on DST days). Otherwise one block from start_date/start_minute to end_date/end_minute.
    The one wall-clock rule (`wallclock.wall_instant`): a time in a spring-forward gap means
    the first instant after the gap (New York 02:30-03:40 on 2027-03-14 blocks 03:00-03:40
    EDT); an ambiguous time means its first occurrence.
    """
    start, end = _bounds(start_date, end_date, all_day, start_minute, end_minute, zone)
    return Interval(start, end)


def rezoned_interval(
    *,
    start_date: date,
    end_date: date,
    all_day: bool,
    start_minute: int | None,
    end_minute: int | None,
    zone: ZoneInfo,
) -> Interval:
    """A stored entry's instants in another zone (after the therapist's zone changed): the
    same rule as `time_off_interval`, but never refused. The entry was valid where it was
    entered; here both ends may fall in one gap (or, for entries stored before the rule was
    one, end before start on the wall clock): the block is then empty at the gap's end, keeps
    its local dates and times, and blocks nothing (empty busy intervals are ignored)."""
    start, end = _bounds(start_date, end_date, all_day, start_minute, end_minute, zone)
    return Interval(start, max(start, end))


def _bounds(
    start_date: date, end_date: date, all_day: bool, start_minute: int | None,
    end_minute: int | None, zone: ZoneInfo,
) -> tuple[datetime, datetime]:
    if end_date < start_date:
        raise ValueError("time off ends before it starts")
    if all_day:
        return (
            local_instant_or_later(start_date, 0, zone),
            local_instant_or_later(end_date + timedelta(days=1), 0, zone),
        )
    if start_minute is None or end_minute is None:
        raise ValueError("part-day time off needs a start and an end time")
    if not (0 <= start_minute <= MINUTES_PER_DAY and 0 <= end_minute <= MINUTES_PER_DAY):
        raise ValueError("minute of day out of range")
    return (
        local_instant_or_later(start_date, start_minute, zone),
        local_instant_or_later(end_date, end_minute, zone),
    )


def validate_time_off(
    *,
    start_date: date,
    end_date: date,
    all_day: bool,
    start_minute: int | None,
    end_minute: int | None,
    zone: ZoneInfo,
) -> list[Problem]:
    """Everything wrong with the entry; empty means time_off_interval will succeed."""
    problems: list[Problem] = []
    if end_date < start_date:
        problems.append(("endDate", ErrorCode.INVALID_RANGE, "End date is before start date."))
    elif (end_date - start_date).days + 1 > MAX_SPAN_DAYS:
        problems.append(
            ("endDate", ErrorCode.RANGE_TOO_LONG, f"Time off spans more than {MAX_SPAN_DAYS} days.")
        )
    if all_day:
        return problems
    for field, minute in (("startTime", start_minute), ("endTime", end_minute)):
        if minute is None:
            problems.append((field, ErrorCode.REQUIRED, "Time is required unless all day."))
        elif not 0 <= minute <= MINUTES_PER_DAY:
            problems.append((field, ErrorCode.INVALID_TIME, "Time must be within the day."))
    if problems:
        return problems
    start = local_instant_or_later(start_date, start_minute, zone)
    if local_instant_or_later(end_date, end_minute, zone) <= start:
        problems.append(("endTime", ErrorCode.INVALID_RANGE, "End must be after start."))
    return problems
