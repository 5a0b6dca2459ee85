"""Wall-clock time in a therapist's IANA zone turned into UTC instants and back.

Rules are stated in local time (9:00 stays 9:00 across DST); every stored instant is UTC.
The two DST edge cases are decided here once, and every rule that turns a wall time into an
instant (availability windows and their grid, time off, series occurrences, calendar drops)
goes through `wall_instant`, so they all agree:

* a wall time in a spring-forward gap does not exist; it means the first instant after the
  gap, i.e. the moment of the change (New York 2027-03-14 02:30 -> 03:00 EDT; Lord Howe's
  30-minute gap 02:10 -> 02:30 +11:00). `local_instant` returns None for it (it is not a
  time the clock ever shows);
* a wall time in a fall-back overlap is ambiguous: its first occurrence (fold=0) is meant.

The rule is monotone: a later wall time never resolves to an earlier instant, so a range that
is ordered on the wall clock stays ordered (possibly empty, when both ends are in one gap).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60


def zone_or_none(name: str) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when there is no such zone."""
    if not name or name != name.strip() or "\\" in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def naive_local(day: date, minute_of_day: int) -> datetime:
    """The naive local datetime `minute_of_day` minutes after midnight (1440 = next midnight)."""
    return datetime.combine(day, time()) + timedelta(minutes=minute_of_day)


def _resolve(local: datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """(UTC instant with fold=0, whether the local time exists)."""
    aware = local.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(UTC)
    exists = instant.astimezone(zone).replace(tzinfo=None) == local
    return instant, exists


def local_instant(day: date, minute_of_day: int, zone: ZoneInfo) -> datetime | None:
    """UTC instant of a wall-clock time on `day`; None in a spring-forward gap."""
    instant, exists = _resolve(naive_local(day, minute_of_day), zone)
    return instant if exists else None


def wall_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """UTC instant a naive wall-clock time means: itself when it exists (the first occurrence
    when it is ambiguous), else the first instant after its spring-forward gap."""
    local = local.replace(tzinfo=None, fold=0)
    instant, exists = _resolve(local, zone)
    if exists:
        return instant
    return _gap_end(local, zone)


def local_instant_or_later(day: date, minute_of_day: int, zone: ZoneInfo) -> datetime:
    """UTC instant of a wall-clock time on `day` (`wall_instant`; 1440 = next midnight)."""
    return wall_instant(naive_local(day, minute_of_day), zone)


def _gap_end(local: datetime, zone: ZoneInfo) -> datetime:
    """The moment the clock jumped over the non-existent `local`: the first instant after
    the gap. Read with the offset before the change, `local` lies after that moment; read
    with the offset after it, before: the change is the one offset switch in between, found
    by bisection to the second (tzdata changes fall on whole seconds)."""
    later = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    earlier = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if earlier >= later:  # not a gap after all (cannot happen for a non-existent time)
        return later
    after_offset = later.astimezone(zone).utcoffset()
    lo, hi = 0, int((later - earlier).total_seconds())  # offset at lo: before; at hi: after
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (earlier + timedelta(seconds=mid)).astimezone(zone).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return earlier + timedelta(seconds=hi)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The aware local datetime the therapist's clock shows at `instant`."""
    return instant.astimezone(zone)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def minute_of_day(local: datetime) -> int:
    return local.hour * 60 + local.minute
