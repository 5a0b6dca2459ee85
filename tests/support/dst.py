"""Real DST changes of real zones, for property tests that must land in gaps and overlaps.

Random instants almost never fall within an hour of a clock change; these strategies draw
times around the changes tzdata actually has (found by scanning, not typed in), so gaps and
repeated hours are exercised in every run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

DST_ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # a 30-minute DST shift (+10:30 / +11:00)
    "Australia/Adelaide",  # a half-hour offset (+9:30 / +10:30)
    "America/St_Johns",  # a half-hour offset (-3:30 / -2:30)
    "Pacific/Chatham",  # a 45-minute offset (+12:45 / +13:45)
    "America/Santiago",  # changes at local midnight: some days have no 00:00
]


@cache
def transitions(zone_name: str, first_year: int = 2026, last_year: int = 2028) -> tuple[datetime, ...]:
    """UTC instants at which the zone's offset changes, in [first_year, last_year]."""
    zone = ZoneInfo(zone_name)
    found = []
    t = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    while t < end:
        nxt = t + step
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = t, nxt  # offset at lo: old; at hi: new
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == t.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(microsecond=0))
        t = nxt
    return tuple(found)


def change_days(zone_name: str) -> list[date]:
    """Local dates (wall clock before the change) on which the zone's clock jumps."""
    zone = ZoneInfo(zone_name)
    return sorted({(t - timedelta(seconds=1)).astimezone(zone).date() for t in transitions(zone_name)})


@st.composite
def instant_near_change(draw: st.DrawFn, zone_name: str, within_minutes: int = 60) -> datetime:
    """A UTC instant within `within_minutes` of one of the zone's real changes, often on the
    minute or the 5-minute lattice (so it can coincide with a grid start or a change)."""
    change = draw(st.sampled_from(transitions(zone_name)))
    offset = draw(
        st.integers(-within_minutes, within_minutes).map(lambda m: timedelta(minutes=m))
        | st.integers(-within_minutes // 5, within_minutes // 5).map(lambda k: timedelta(minutes=5 * k))
        | st.integers(-within_minutes * 60, within_minutes * 60).map(lambda s: timedelta(seconds=s))
    )
    return change + offset


@st.composite
def wall_near_change(draw: st.DrawFn, zone_name: str, within_minutes: int = 60) -> tuple[date, int]:
    """(local date, minute of day) whose wall time is within `within_minutes` of the wall
    time a real change happens at, read with the offset before the change — so inside the
    gap (spring) or the repeated hour (fall) about half the time."""
    zone = ZoneInfo(zone_name)
    change = draw(st.sampled_from(transitions(zone_name)))
    before = change - timedelta(seconds=1)
    wall = before.astimezone(zone).replace(tzinfo=None) + timedelta(seconds=1)
    wall += timedelta(minutes=draw(st.integers(-within_minutes, within_minutes)))
    minute = wall.hour * 60 + wall.minute
    if minute == 0 and draw(st.booleans()):
        return wall.date() - timedelta(days=1), 1440  # "24:00" of the day before
    return wall.date(), minute
