"""The single rule that decides whether a session may start at an instant.

Listing free slots and accepting a booking both go through `BookingRules._check`, so a
listed slot can always be booked and an unlisted one is always refused. Availability is
stated in the therapist's wall-clock time; every instant handled here is UTC.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.intervals import Interval
from domain.wallclock import (
    MINUTES_PER_DAY,
    local_date,
    local_instant,
    local_instant_or_later,
)

WeeklyHours = Mapping[int, Sequence[tuple[int, int]]]
"""Weekday (0=Monday) -> non-overlapping (start_minute, end_minute) local slots."""

_DAY = timedelta(days=1)


def default_grid_minutes(length_minutes: int) -> int:
    """Session length rounded up to a quarter hour, so starts land on tidy times."""
    if length_minutes < 1:
        raise ValueError("session length must be positive")
    return -(-length_minutes // 15) * 15


def _utc(instant: datetime) -> datetime:
    """`instant` in UTC; naive input is a caller bug. UTC also sidesteps same-zone
    comparisons and arithmetic, which Python does on wall-clock time."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(UTC)


class BookingRules:
    """Bookability for one therapist, built once per request; caches per-date candidates."""

    def __init__(
        self,
        *,
        weekly: WeeklyHours,
        zone: ZoneInfo,
        length_minutes: int,
        grid_minutes: int,
        busy: Iterable[Interval],
        now: datetime,
        horizon_days: int | None,
        min_notice_minutes: int = 30,
        overrides: Mapping[date, Sequence[tuple[int, int]]] | None = None,
        buffer_before_minutes: int = 0,
        buffer_after_minutes: int = 0,
        buffered: Iterable[Interval] = (),
        max_per_day: int | None = None,
        booked_per_day: Mapping[date, int] | None = None,
    ) -> None:
        """`overrides`: local dates whose hours replace the weekly ones (empty: no hours that
        date). Buffers: a start is offered only when [start − before, end + after) stays clear
        of `buffered` (other sessions, outside busy times); they shape free slots only and are
        no conflict rule. `max_per_day`: no start on a local date already holding that many
        (`booked_per_day`)."""
        if length_minutes < 1 or grid_minutes < 1:
            raise ValueError("session length and grid must be positive")
        if min_notice_minutes < 0 or (horizon_days is not None and horizon_days < 0):
            raise ValueError("notice and horizon must not be negative")
        if buffer_before_minutes < 0 or buffer_after_minutes < 0:
            raise ValueError("buffers must not be negative")
        self.weekly = weekly
        self.zone = zone
        self.length = timedelta(minutes=length_minutes)
        self.length_minutes = length_minutes
        self.grid_minutes = grid_minutes
        self.now = _utc(now)
        self.today = local_date(self.now, zone)
        # Notice: every start at least `min_notice_minutes` ahead of now (whatever its date:
        # at 23:36 local, 00:00 tomorrow is 24 minutes ahead and not bookable); never now.
        self.earliest = self.now + timedelta(minutes=min_notice_minutes)
        if min_notice_minutes == 0:
            self.earliest += timedelta(microseconds=1)
        self.last_day = None if horizon_days is None else self.today + timedelta(days=horizon_days)
        self._busy_starts, self._busy_ends = _merge(busy)
        self.overrides = overrides or {}
        self.before = timedelta(minutes=buffer_before_minutes)
        self.after = timedelta(minutes=buffer_after_minutes)
        self._buffered_starts, self._buffered_ends = (
            _merge(buffered) if buffer_before_minutes or buffer_after_minutes else ([], []))
        self.max_per_day = max_per_day
        self.booked_per_day = booked_per_day or {}
        self._days: dict[date, tuple[tuple[datetime, ...], frozenset[datetime]]] = {}
        self._offsets: dict[int, list[timedelta]] = {}

    def is_bookable(self, start: datetime) -> bool:
        utc = _utc(start)
        return self._check(utc, local_date(utc, self.zone))

    def free_starts(self, range_start: datetime, range_end: datetime) -> list[datetime]:
        """Every bookable start in [range_start, range_end), ascending, in UTC."""
        lo, hi = _utc(range_start), _utc(range_end)
        if hi <= lo:
            return []
        # Days outside [today, last_day] hold nothing bookable: skip them (cheap, same answer).
        day = max(local_date(lo, self.zone), self.today)
        last = local_date(hi, self.zone)
        if self.last_day is not None:
            last = min(last, self.last_day)
        found: list[datetime] = []
        while day <= last:
            ordered, _ = self._day(day)
            found.extend(t for t in ordered if lo <= t < hi and self._check(t, day))
            day += _DAY
        return found

    def _check(self, start: datetime, day: date) -> bool:
        """`start` (UTC) falls on local date `day`; notice, horizon, window+grid, busy: cheapest
        first."""
        if start < self.earliest:
            return False
        if self.last_day is not None and day > self.last_day:
            return False
        if self.max_per_day is not None and self.booked_per_day.get(day, 0) >= self.max_per_day:
            return False
        if start not in self._day(day)[1]:
            return False
        end = start + self.length
        if _overlaps(self._busy_starts, self._busy_ends, start, end):
            return False
        return not (self._buffered_starts and _overlaps(
            self._buffered_starts, self._buffered_ends, start - self.before, end + self.after))

    def _day(self, day: date) -> tuple[tuple[datetime, ...], frozenset[datetime]]:
        """Candidate starts on local date `day`, ascending and as a set, computed once."""
        cached = self._days.get(day)
        if cached is None:
            ordered = tuple(self._compute_candidates(day))
            cached = self._days[day] = (ordered, frozenset(ordered))
        return cached

    def _compute_candidates(self, day: date) -> Iterable[datetime]:
        """Grid starts on `day` whose session fits inside one window; ascending, unique. A date
        override's hours replace the weekday's."""
        overridden = day in self.overrides
        slots = self.overrides[day] if overridden else self.weekly.get(day.weekday(), ())
        if not slots:
            return ()
        midnight = local_instant(day, 0, self.zone)
        uniform = (
            midnight is not None
            and local_instant_or_later(day, MINUTES_PER_DAY, self.zone) - midnight == _DAY
            and midnight.astimezone(self.zone).utcoffset()
            == (midnight + _DAY - timedelta(minutes=1)).astimezone(self.zone).utcoffset()
        )
        if uniform:
            # No offset change this day (one transition per day at most is assumed):
            # wall-clock minutes are real minutes from midnight.
            offsets = self._plain_offsets(slots) if overridden else self._weekday_offsets(day.weekday())
            return [midnight + offset for offset in offsets]
        return self._candidates_across_transition(day, slots)

    def _weekday_offsets(self, weekday: int) -> list[timedelta]:
        offsets = self._offsets.get(weekday)
        if offsets is None:
            offsets = self._offsets[weekday] = self._plain_offsets(self.weekly[weekday])
        return offsets

    def _plain_offsets(self, slots: Sequence[tuple[int, int]]) -> list[timedelta]:
        """Grid starts whose session fits a slot, as time after midnight on a plain day."""
        minutes = {m for s, e in slots for m in range(s, e - self.length_minutes + 1, self.grid_minutes)}
        return [timedelta(minutes=m) for m in sorted(minutes)]

    def _candidates_across_transition(
        self, day: date, slots: Sequence[tuple[int, int]]
    ) -> list[datetime]:
        """Slow path for a DST day, by the one wall-clock rule (`wallclock.wall_instant`):
        window edges and grid times in a gap mean the first instant after it (a 02:30-05:00
        window on New York's spring-forward day opens at 03:00 EDT, and the grid times 02:30
        and 02:45 both offer 03:00); ambiguous ones mean their first occurrence."""
        found = set()
        for s, e in slots:
            opens = local_instant_or_later(day, s, self.zone)
            closes = local_instant_or_later(day, e, self.zone)
            for m in range(s, e, self.grid_minutes):
                start = local_instant_or_later(day, m, self.zone)
                if (
                    opens <= start
                    and start + self.length <= closes
                    and local_date(start, self.zone) == day  # a whole skipped day offers nothing
                ):
                    found.add(start)
        return sorted(found)


def _overlaps(starts: list[datetime], ends: list[datetime], start: datetime, end: datetime) -> bool:
    """Same answer as Interval.overlaps against each merged interval, via one bisect."""
    i = bisect_left(starts, end) - 1
    return i >= 0 and ends[i] > start


def _merge(busy: Iterable[Interval]) -> tuple[list[datetime], list[datetime]]:
    """Sorted, merged (touching included) busy starts and ends, in UTC.

    Empty busy intervals block nothing and are dropped (a time off whose both ends fall in one
    DST gap after a zone change is such an interval: it must not hide the sessions around its
    point). For every other busy interval, merging keeps the Interval.overlaps answer.
    """
    starts: list[datetime] = []
    ends: list[datetime] = []
    for iv in sorted(busy, key=lambda iv: iv.start):
        s, e = iv.start.astimezone(UTC), iv.end.astimezone(UTC)
        if e <= s:
            continue
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends
