"""Weekly series anchored in wall-clock time: 10:00 stays 10:00 local, so in UTC it moves with DST.

Occurrences are keyed by their scheduled local date and computed arithmetically from the
anchor, so a years-old series costs no more than a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.intervals import Interval
from domain.model import Series, SeriesSpan
from domain.wallclock import (
    MINUTES_PER_DAY,
    local_date,
    local_instant_or_later,
    zone_or_none,
)

CADENCE_WEEKS = {
    "WEEKLY": 1,
    "EVERY_2_WEEKS": 2,
    "EVERY_3_WEEKS": 3,
    "EVERY_4_WEEKS": 4,
}


@dataclass(frozen=True)
class SeriesRule:
    """First occurrence on `anchor_date` at local `start_minute`, then every `every_weeks` weeks."""

    anchor_date: date
    start_minute: int
    length_minutes: int
    every_weeks: int
    zone_name: str

    def __post_init__(self) -> None:
        if isinstance(self.anchor_date, datetime) or not isinstance(
            self.anchor_date, date
        ):
            raise TypeError("anchor_date must be a date, not a datetime")
        if not 0 <= self.start_minute < MINUTES_PER_DAY:
            raise ValueError("start_minute must be within 0..1439")
        if self.length_minutes <= 0:
            raise ValueError("length_minutes must be positive")
        if self.every_weeks not in CADENCE_WEEKS.values():
            raise ValueError("every_weeks must be within 1..4")
        if zone_or_none(self.zone_name) is None:
            raise ValueError(f"unknown time zone {self.zone_name!r}")

    @property
    def zone(self) -> ZoneInfo:
        zone = zone_or_none(self.zone_name)
        if zone is None:  # unreachable: checked in __post_init__
            raise ValueError(f"unknown time zone {self.zone_name!r}")
        return zone

    @property
    def period_days(self) -> int:
        return 7 * self.every_weeks


def occurrence_dates(rule: SeriesRule, from_date: date, to_date: date) -> list[date]:
    """Local dates anchor + k*period (k >= 0) within [from_date, to_date], both inclusive."""
    first = max(from_date, rule.anchor_date)
    if to_date < first:
        return []
    period = rule.period_days
    k = -(-(first - rule.anchor_date).days // period)  # ceil: first k on/after `first`
    day = rule.anchor_date + timedelta(days=k * period)
    if day > to_date:
        return []
    count = (to_date - day).days // period + 1
    return [day + timedelta(days=i * period) for i in range(count)]


def occurrence_start(rule: SeriesRule, day: date) -> datetime:
    """UTC start on local `day`: a time in a DST gap moves forward by the gap, ambiguous -> first."""
    return local_instant_or_later(day, rule.start_minute, rule.zone)


def occurrences(
    rule: SeriesRule, from_date: date, to_date: date
) -> list[tuple[date, Interval]]:
    """(scheduled local date, UTC interval) for each occurrence dated within the range."""
    return [
        (day, Interval.of_length(occurrence_start(rule, day), rule.length_minutes))
        for day in occurrence_dates(rule, from_date, to_date)
    ]


def occurrences_between(
    rule: SeriesRule, start: datetime, end: datetime
) -> list[tuple[date, Interval]]:
    """Occurrences whose interval overlaps [start, end), e.g. to block free slots.

    Candidate dates run from the local date of (start - length) minus a day (a gap can push
    an occurrence into the next day) to the local date of end plus a day, then are filtered.
    """
    window = Interval(start, end)
    zone = rule.zone
    first = local_date(
        start - timedelta(minutes=rule.length_minutes), zone
    ) - timedelta(days=1)
    last = local_date(end, zone) + timedelta(days=1)
    return [
        (day, iv) for day, iv in occurrences(rule, first, last) if iv.overlaps(window)
    ]


def rule_of(series: Series | SeriesSpan, zone_name: str) -> SeriesRule:
    """The cadence of a stored series, in its therapist's zone."""
    return SeriesRule(
        anchor_date=series.anchor_date, start_minute=series.start_minute,
        length_minutes=series.length_minutes, every_weeks=series.every_weeks, zone_name=zone_name,
    )


def future_busy(
    series: Sequence[Series | SeriesSpan], zone_name: str, start: datetime, end: datetime
) -> list[Interval]:
    """Occurrences active series will create beyond what is materialised, within [start, end):
    the booking page must not offer them even though no session row exists yet."""
    busy: list[Interval] = []
    for s in series:
        if not s.active:
            continue
        for day, interval in occurrences_between(rule_of(s, zone_name), start, end):
            if day > s.materialised_until:
                busy.append(interval)
    return busy
