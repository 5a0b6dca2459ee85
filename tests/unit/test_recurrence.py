"""Weekly series in wall-clock time: DST examples plus properties against day-by-day scans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intervals import Interval
from domain.model import SeriesSpan
from domain.recurrence import (
    CADENCE_WEEKS,
    SeriesRule,
    future_busy,
    occurrence_dates,
    occurrence_start,
    occurrences,
    occurrences_between,
    rule_of,
)
from domain.wallclock import (
    MINUTES_PER_DAY,
    local_instant,
    local_instant_or_later,
    naive_local,
)
from tests.support.dst import DST_ZONES, transitions, wall_near_change

ZONE_NAMES = [*DST_ZONES, "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "UTC"]
NY = ZoneInfo("America/New_York")
FAST = settings(deadline=None, max_examples=150)


def loc(zone: ZoneInfo, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=zone, fold=fold).astimezone(UTC)


def rule(
    anchor=date(2026, 3, 1), minute=10 * 60, length=50, weeks=1, zone="America/New_York"
):
    return SeriesRule(anchor, minute, length, weeks, zone)


@cache
def edge_minutes(zone_name: str, day: date) -> list[int]:
    """Quarter-hour start minutes that fall in the gap or overlap on `day`."""
    zone = ZoneInfo(zone_name)
    out = []
    for minute in range(0, MINUTES_PER_DAY, 15):
        wall = naive_local(day, minute)
        first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
        if (
            local_instant(day, minute, zone) is None
            or first.utcoffset() != second.utcoffset()
        ):
            out.append(minute)
    return out


@cache
def dst_days(zone_name: str) -> list[date]:
    """Local dates 2014..2030 with a gap or an overlap."""
    zone, found = ZoneInfo(zone_name), set()
    day = date(2014, 1, 1)
    while day.year < 2031:
        nxt = day + timedelta(days=1)
        a, b = (
            local_instant_or_later(day, 0, zone),
            local_instant_or_later(nxt, 0, zone),
        )
        if a.astimezone(zone).utcoffset() != b.astimezone(zone).utcoffset():
            found |= {day, nxt}  # a change at midnight shows up a day early
        day = nxt
    return sorted(d for d in found if edge_minutes(zone_name, d))


@st.composite
def rules(draw) -> SeriesRule:
    """Random rules; most start within an hour of a real clock change (2026-2028), on that
    day or a few weeks before it, or in the gap or overlap of a DST day (2014-2030)."""
    zone_name = draw(st.sampled_from(ZONE_NAMES))
    choice = draw(st.integers(0, 3))
    if transitions(zone_name) and choice < 2:
        day, minute = draw(wall_near_change(zone_name))
        minute = min(minute, MINUTES_PER_DAY - 1)
        anchor = day - timedelta(weeks=draw(st.sampled_from([0, 0, 1, 2, 4, 12])))
    elif dst_days(zone_name) and choice == 2:
        anchor = draw(st.sampled_from(dst_days(zone_name)))
        minute = draw(st.sampled_from(edge_minutes(zone_name, anchor)))
    else:
        anchor = draw(st.dates(date(2014, 1, 1), date(2030, 12, 31)))
        minute = draw(st.integers(0, 1439))
    return SeriesRule(
        anchor_date=anchor,
        start_minute=minute,
        length_minutes=draw(st.sampled_from([15, 45, 50, 60, 90, 180, 24 * 60 + 30])),
        every_weeks=draw(st.sampled_from(sorted(CADENCE_WEEKS.values()))),
        zone_name=zone_name,
    )


@st.composite
def rule_and_range(draw, max_days: int = 800) -> tuple[SeriesRule, date, date]:
    r = draw(rules())
    start = r.anchor_date + timedelta(
        days=draw(st.one_of(st.integers(-10, 0), st.integers(-100, 700)))
    )
    end = start + timedelta(days=draw(st.integers(-3, max_days)))
    return r, start, end


def scan_dates(r: SeriesRule, from_date: date, to_date: date) -> list[date]:
    """Oracle: walk every day and keep those on the cadence."""
    out, day = [], from_date
    while day <= to_date:
        if day >= r.anchor_date and (day - r.anchor_date).days % r.period_days == 0:
            out.append(day)
        day += timedelta(days=1)
    return out


# --- examples --------------------------------------------------------------------------


def test_weekly_keeps_ten_local_across_spring_forward():
    got = occurrences(rule(), date(2026, 3, 1), date(2026, 3, 15))
    assert [d for d, _ in got] == [
        date(2026, 3, 1),
        date(2026, 3, 8),
        date(2026, 3, 15),
    ]
    assert [iv.start for _, iv in got] == [
        loc(NY, 2026, 3, 1, 10),  # 15:00 UTC
        loc(NY, 2026, 3, 8, 10),  # 14:00 UTC
        loc(NY, 2026, 3, 15, 10),
    ]
    assert all(iv.minutes == 50 for _, iv in got)


def test_start_in_gap_means_the_end_of_the_gap():
    """The one wall-clock rule: 02:30 on a spring-forward day is 03:00 EDT, as for slots,
    time off and drops (it was 03:30 before issue 18)."""
    r = rule(minute=2 * 60 + 30)
    assert occurrence_start(r, date(2026, 3, 8)) == loc(NY, 2026, 3, 8, 3, 0)
    assert occurrence_start(r, date(2026, 3, 15)) == loc(NY, 2026, 3, 15, 2, 30)
    lord_howe = rule(anchor=date(2027, 9, 26), minute=2 * 60 + 10, zone="Australia/Lord_Howe")
    assert occurrence_start(lord_howe, date(2027, 10, 3)).astimezone(lord_howe.zone).strftime(
        "%H:%M %z") == "02:30 +1100"


def test_ambiguous_start_is_first_occurrence():
    r = rule(anchor=date(2026, 10, 25), minute=90)
    start = occurrence_start(r, date(2026, 11, 1))
    assert start == loc(NY, 2026, 11, 1, 1, 30)
    assert start.astimezone(NY).utcoffset() == timedelta(hours=-4)


def test_every_two_weeks_range_and_inclusive_edges():
    r = rule(weeks=2)
    assert occurrence_dates(r, date(2026, 3, 1), date(2026, 3, 29)) == [
        date(2026, 3, 1),
        date(2026, 3, 15),
        date(2026, 3, 29),
    ]
    assert occurrence_dates(r, date(2026, 3, 2), date(2026, 3, 28)) == [
        date(2026, 3, 15)
    ]
    assert (
        occurrence_dates(r, date(2026, 2, 1), date(2026, 2, 28)) == []
    )  # before anchor
    assert occurrence_dates(r, date(2026, 4, 1), date(2026, 3, 1)) == []  # empty range


def test_old_series_is_arithmetic():
    r = rule(anchor=date(1990, 1, 7), weeks=3)
    got = occurrence_dates(r, date(2026, 1, 1), date(2026, 1, 31))
    assert got and all((d - r.anchor_date).days % 21 == 0 for d in got)
    assert occurrence_dates(r, date(9999, 12, 1), date(9999, 12, 31))  # no overflow


def test_adelaide_and_auckland_half_hour_and_southern_dst():
    adl = rule(anchor=date(2026, 3, 29), minute=9 * 60, zone="Australia/Adelaide")
    (_, before), (_, after) = occurrences(adl, date(2026, 3, 29), date(2026, 4, 5))
    assert (
        before.start.astimezone(adl.zone).hour
        == after.start.astimezone(adl.zone).hour
        == 9
    )
    assert after.start - before.start == timedelta(days=7, hours=1)  # DST ended 04-05
    akl = rule(anchor=date(2026, 9, 20), minute=2 * 60 + 15, zone="Pacific/Auckland")
    # Auckland springs forward 2026-09-27 02:00 -> 03:00: 02:15 means 03:00
    assert occurrence_start(akl, date(2026, 9, 27)) == loc(akl.zone, 2026, 9, 27, 3, 0)


def test_occurrences_between_catches_edges():
    r = rule(minute=23 * 60 + 30, length=60)  # 23:30-00:30 local, crosses midnight
    day = date(2026, 3, 15)
    got = occurrences_between(r, loc(NY, 2026, 3, 16, 0, 0), loc(NY, 2026, 3, 16, 1, 0))
    assert [d for d, _ in got] == [day]
    # touching the end is not an overlap
    assert (
        occurrences_between(r, loc(NY, 2026, 3, 16, 0, 30), loc(NY, 2026, 3, 16, 5))
        == []
    )
    assert (
        occurrences_between(r, loc(NY, 2026, 3, 15, 20), loc(NY, 2026, 3, 15, 23, 30))
        == []
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"minute": -1},
        {"minute": 1440},
        {"length": 0},
        {"weeks": 0},
        {"weeks": 5},
        {"zone": "Mars/Olympus"},
    ],
)
def test_rule_validation(kwargs):
    with pytest.raises(ValueError):
        rule(**kwargs)
    with pytest.raises(TypeError):
        rule(anchor=datetime(2026, 3, 1, 10))


def test_zone_property():
    assert rule(zone="Asia/Kolkata").zone == ZoneInfo("Asia/Kolkata")


# --- properties --------------------------------------------------------------------------


@FAST
@given(rule_and_range())
def test_dates_match_day_by_day_scan(case):
    r, start, end = case
    assert occurrence_dates(r, start, end) == scan_dates(r, start, end)


@FAST
@given(rule_and_range())
def test_dates_spacing_weekday_and_uniqueness(case):
    r, start, end = case
    got = occurrence_dates(r, start, end)
    assert all((b - a).days == r.period_days for a, b in pairwise(got))
    assert all(d.weekday() == r.anchor_date.weekday() for d in got)
    assert all(start <= d <= end and d >= r.anchor_date for d in got)


@FAST
@given(rule_and_range(max_days=400))
def test_local_start_is_stable_across_dst(case):
    r, start, end = case
    got = occurrences(r, start, end)
    instants = [iv.start for _, iv in got]
    assert instants == sorted(set(instants))  # strictly increasing: no duplicates
    for day, iv in got:
        assert iv.end - iv.start == timedelta(minutes=r.length_minutes)
        exact = local_instant(day, r.start_minute, r.zone)
        if exact is not None:
            local = iv.start.astimezone(r.zone)
            assert (local.date(), local.hour * 60 + local.minute) == (
                day,
                r.start_minute,
            )
            assert iv.start == exact
        else:  # in a gap: the first instant after it, as every wall-clock rule
            assert iv.start == gap_end(day, r.start_minute, r.zone)
            assert local_instant_or_later(day, r.start_minute, r.zone) == iv.start


def gap_end(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """Brute force: the first minute at which the zone's clock is past the missing wall time."""
    wall = naive_local(day, minute)
    t = (wall - timedelta(hours=15)).replace(tzinfo=UTC)
    while t.astimezone(zone).replace(tzinfo=None) <= wall:
        t += timedelta(minutes=1)
    return t


@FAST
@given(rule_and_range(), st.data())
def test_split_range_is_union_of_halves(case, data):
    r, start, end = case
    end = max(end, start)
    mid = start + timedelta(days=data.draw(st.integers(0, (end - start).days)))
    whole = occurrences(r, start, end)
    assert whole == occurrences(r, start, mid) + occurrences(
        r, mid + timedelta(days=1), end
    )


@FAST
@given(rules(), st.data())
def test_occurrences_between_matches_brute_force(r, data):
    origin = datetime.combine(r.anchor_date, datetime.min.time(), tzinfo=UTC)
    start = origin + timedelta(minutes=data.draw(st.integers(-3 * 1440, 120 * 1440)))
    end = start + timedelta(minutes=data.draw(st.integers(0, 40 * 1440)))
    window = Interval(start, end)
    brute = [
        (d, iv)
        for d, iv in occurrences(r, r.anchor_date, end.date() + timedelta(days=3))
        if iv.overlaps(window)
    ]
    assert occurrences_between(r, start, end) == brute


@FAST
@given(rules(), st.data())
def test_future_busy_is_what_a_series_will_still_create(r, data):
    """The booking page's view of an active series: occurrences overlapping the window dated
    after `materialised_until` (earlier ones exist as sessions); nothing once stopped."""
    until = r.anchor_date + timedelta(days=data.draw(st.integers(-7, 120)))
    span = SeriesSpan(r.anchor_date, r.start_minute, r.length_minutes, r.every_weeks, until)
    assert rule_of(span, r.zone_name) == r
    origin = datetime.combine(r.anchor_date, datetime.min.time(), tzinfo=UTC)
    start = origin + timedelta(minutes=data.draw(st.integers(-3 * 1440, 150 * 1440)))
    end = start + timedelta(minutes=data.draw(st.integers(0, 30 * 1440)))
    expected = [iv for d, iv in occurrences_between(r, start, end) if d > until]
    assert future_busy([span], r.zone_name, start, end) == expected
    assert all(iv.overlaps(Interval(start, end)) for iv in expected)
    stopped = SeriesSpan(r.anchor_date, r.start_minute, r.length_minutes, r.every_weeks, until, active=False)
    assert future_busy([stopped, span], r.zone_name, start, end) == expected
