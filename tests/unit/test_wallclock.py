"""The one wall-clock rule (issue 18): a wall time in a gap means the first instant after the
gap; a repeated one its first occurrence. Examples and properties around real tzdata changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.wallclock import local_instant, local_instant_or_later, naive_local, wall_instant
from tests.support.dst import DST_ZONES, wall_near_change


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        ("America/New_York", datetime(2027, 3, 14, 2, 30), "2027-03-14T03:00:00-04:00"),
        ("America/New_York", datetime(2027, 3, 14, 2, 0), "2027-03-14T03:00:00-04:00"),
        ("America/New_York", datetime(2027, 11, 7, 1, 30), "2027-11-07T01:30:00-04:00"),  # first
        ("Australia/Sydney", datetime(2027, 10, 3, 2, 30), "2027-10-03T03:00:00+11:00"),
        ("Australia/Lord_Howe", datetime(2027, 10, 3, 2, 10), "2027-10-03T02:30:00+11:00"),
        ("America/Santiago", datetime(2026, 9, 6, 0, 0), "2026-09-06T01:00:00-03:00"),  # no midnight
        ("Pacific/Apia", datetime(2011, 12, 30, 10, 0), "2011-12-31T00:00:00+14:00"),  # a skipped day
    ],
)
def test_examples(zone: str, wall: datetime, expected: str) -> None:
    assert wall_instant(wall, ZoneInfo(zone)).astimezone(ZoneInfo(zone)).isoformat() == expected


def brute(day: date, minute: int, zone: ZoneInfo) -> datetime:
    exact = local_instant(day, minute, zone)
    if exact is not None:
        return exact
    wall = naive_local(day, minute)
    t = (wall - timedelta(hours=15)).replace(tzinfo=UTC)
    while t.astimezone(zone).replace(tzinfo=None) <= wall:
        t += timedelta(minutes=1)
    return t


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(DST_ZONES).flatmap(lambda z: st.tuples(st.just(z), wall_near_change(z), wall_near_change(z))))
def test_rule_matches_brute_force_and_keeps_order(case) -> None:
    zone_name, (day_a, minute_a), (day_b, minute_b) = case
    zone = ZoneInfo(zone_name)
    a = local_instant_or_later(day_a, minute_a, zone)
    b = local_instant_or_later(day_b, minute_b, zone)
    assert a == brute(day_a, minute_a, zone)
    if naive_local(day_a, minute_a) <= naive_local(day_b, minute_b):
        assert a <= b  # monotone: ranges ordered on the wall clock stay ordered
