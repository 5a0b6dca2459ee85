"""Wall-clock time in a therapist's IANA zone turned into UTC instants and back.

Rules are stated in local time (9:00 stays 9:00 across DST); every stored instant is UTC.
The two DST edge cases are decided here once, so every rule agrees:

* a local time in the spring-forward gap does not exist: `local_instant` returns None, and
  `local_instant_or_later` returns the instant the clock shows just after the gap
  (02:30 on a New York spring-forward day becomes 03:30 EDT);
* a local time in the fall-back overlap is ambiguous: the first occurrence (fold=0) is meant.
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


def local_instant_or_later(day: date, minute_of_day: int, zone: ZoneInfo) -> datetime:
    """UTC instant of a wall-clock time; a time in a gap moves forward by the gap's length."""
    instant, _ = _resolve(naive_local(day, minute_of_day), zone)
    return instant


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The aware local datetime the therapist's clock shows at `instant`."""
    return instant.astimezone(zone)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def minute_of_day(local: datetime) -> int:
    return local.hour * 60 + local.minute


def week_start(day: date) -> date:
    """Monday of the week containing `day` (weeks start on Monday, ISO 8601)."""
    return day - timedelta(days=day.weekday())
