"""Where a session dragged on the calendar lands, in the therapist's wall-clock time.

Week view: the drop point snaps to the nearest local quarter hour. Month view: only the
day changes and the session keeps its local start time (10:00 stays 10:00 across DST).
Either way the session keeps its length in real minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.intervals import Interval
from domain.wallclock import to_local, wall_instant

QUARTER = timedelta(minutes=15)


def _floor_quarter(wall: datetime) -> datetime:
    midnight = datetime.combine(wall.date(), time())
    return midnight + ((wall - midnight) // QUARTER) * QUARTER


def _round_quarter(wall: datetime) -> datetime:
    """Nearest quarter; exactly halfway (7m30s past) rounds forward."""
    floor = _floor_quarter(wall)
    return floor + QUARTER if wall - floor >= QUARTER / 2 else floor


def _existing_instant(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """UTC instant of a naive wall-clock time (its fold picks the occurrence); None in a gap."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    return instant if to_local(instant, zone).replace(tzinfo=None) == wall else None


def _nearest_quarter_instant(target: datetime, zone: ZoneInfo) -> datetime:
    """Nearest instant (ties: the later) at which the zone's clock shows hh:00/15/30/45.

    Candidates are built per UTC offset in force around the target, so both sides of
    a DST transition are considered and each candidate is checked against the zone.
    """
    naive_utc = target.astimezone(UTC).replace(tzinfo=None)
    candidates: set[datetime] = set()
    for probe in (target - QUARTER, target, target + QUARTER):
        offset = to_local(probe, zone).utcoffset()
        floor = _floor_quarter(naive_utc + offset)
        for step in (-1, 0, 1, 2):
            quarter = floor + step * QUARTER
            instant = (quarter - offset).replace(tzinfo=UTC)
            if to_local(instant, zone).replace(tzinfo=None) == quarter:
                candidates.add(instant)
    return min(candidates, key=lambda c: (abs(c - target), c < target))


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def snap_week_drop(target: datetime, zone: ZoneInfo) -> datetime:
    """The aware UTC start for a drop at `target` in week view: nearest local quarter hour.

    Rounding uses seconds and microseconds; exactly 7m30s past a quarter rounds forward;
    day may change (23:53 -> next day 00:00).

    Nearness is measured in real time, which equals wall-clock distance except at a DST
    jump. Decisions there:
    * fall-back (ambiguous 1:xx): the occurrence closest to the target wins, so a drop in
      the second 1:xx hour stays in it, and 1:55 first-pass snaps to 1:00 second-pass
      (5 real minutes later), not to 2:00 an hour later;
    * spring-forward: 1:55 snaps to 3:00 (the same instant as 2:00 standard time).
    Hence |result - target| <= 7.5 min for every aware target.

    A naive target is read as the wall-clock position in `zone` (its fold picks the
    occurrence). If that position lies in a gap, it is snapped on the wall clock and, when
    the snapped quarter is in the gap too, the one wall-clock rule applies: the first instant
    after the gap (NY 2026-03-08 02:15 -> 03:00 EDT).
    """
    if target.tzinfo is None:
        instant = _existing_instant(target, zone)
        if instant is None:
            return wall_instant(_round_quarter(target), zone)
        target = instant
    _require_aware(target, "target")
    return _nearest_quarter_instant(target.astimezone(UTC), zone)


def month_drop(target_day: date, original_start: datetime, zone: ZoneInfo) -> datetime:
    """The aware UTC start for a drop on `target_day` in month view: same local start time.

    The full local time (seconds included) is kept. By the one wall-clock rule
    (`wallclock.wall_instant`): if it does not exist on that day (spring-forward gap), the
    first instant after the gap (02:30 -> 03:00 EDT); if it is ambiguous (fall-back), the
    first occurrence, whatever fold the original had.
    """
    _require_aware(original_start, "original_start")
    wall = datetime.combine(target_day, to_local(original_start, zone).time())
    return wall_instant(wall, zone)


@dataclass(frozen=True)
class Landing:
    """Where the dragged session ends up: UTC start and end, same real length as before."""

    start: datetime
    end: datetime

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


def landing(
    view: str, target: datetime | date, original: Interval, zone: ZoneInfo
) -> Landing:
    """Landing of `original` dropped on `target` in "WEEK" (datetime) or "MONTH" (date) view.

    Raises ValueError for an unknown view or a target of the wrong type for the view.
    """
    if view == "WEEK":
        if not isinstance(target, datetime):
            raise ValueError("WEEK drop needs a datetime target")
        start = snap_week_drop(target, zone)
    elif view == "MONTH":
        if isinstance(target, datetime) or not isinstance(target, date):
            raise ValueError("MONTH drop needs a date target")
        start = month_drop(target, original.start, zone)
    else:
        raise ValueError(f"unknown calendar view {view!r}")
    return Landing(start, start + (original.end - original.start))
