"""Drag-and-drop landings: DST examples plus properties against brute-force minute scans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.intervals import Interval
from domain.reschedule import Landing, landing, month_drop, snap_week_drop

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
ADELAIDE = ZoneInfo("Australia/Adelaide")
ZONES = [
    NY,
    LONDON,
    ADELAIDE,
    KOLKATA,
    ZoneInfo("Pacific/Auckland"),
    ZoneInfo("America/Sao_Paulo"),
    ZoneInfo("UTC"),
]
FAST = settings(deadline=None, max_examples=200)


def loc(zone: ZoneInfo, *parts: int, fold: int = 0) -> datetime:
    """UTC instant of a local wall-clock time (UTC so ambiguous times compare correctly)."""
    return datetime(*parts, tzinfo=zone, fold=fold).astimezone(UTC)


def is_local_quarter(instant: datetime, zone: ZoneInfo) -> bool:
    wall = instant.astimezone(zone)
    return wall.minute % 15 == 0 and wall.second == 0 and wall.microsecond == 0


def nearest_quarter_oracle(target: datetime, zone: ZoneInfo) -> datetime:
    """Scan whole UTC minutes around target for local quarter hours; ties go later."""
    base = target.replace(second=0, microsecond=0)
    candidates = [base + timedelta(minutes=k) for k in range(-16, 17)]
    candidates = [c for c in candidates if is_local_quarter(c, zone)]
    return min(candidates, key=lambda c: (abs(c - target), c < target))


def first_quarter_at_or_after(instant: datetime, zone: ZoneInfo) -> datetime:
    c = instant
    if c.second or c.microsecond:
        c = c.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while not is_local_quarter(c, zone):
        c += timedelta(minutes=1)
    return c


@cache
def transitions(zone: ZoneInfo) -> list[tuple[datetime, timedelta, timedelta]]:
    """(instant, offset before, offset after) for every offset change 2015..2030."""
    found = []
    day = datetime(2015, 1, 1, 12, tzinfo=UTC)
    prev = day.astimezone(zone).utcoffset()
    while day.year < 2031:
        nxt = day + timedelta(days=1)
        off = nxt.astimezone(zone).utcoffset()
        if off != prev:
            lo, hi = day, nxt  # offset(lo) == prev, offset(hi) == off
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid.astimezone(zone).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            found.append((hi, prev, off))
        day, prev = nxt, off
    return found


ALL_TRANSITIONS = [(z, *t) for z in ZONES for t in transitions(z)]
GAPS = [t for t in ALL_TRANSITIONS if t[3] > t[2]]


@st.composite
def zoned_targets(draw) -> tuple[ZoneInfo, datetime]:
    """Aware targets, half of them within a few hours of a DST transition."""
    if draw(st.booleans()):
        zone, moment, _, _ = draw(st.sampled_from(ALL_TRANSITIONS))
        shift = draw(st.integers(-4 * 3600 * 10**6, 4 * 3600 * 10**6))
        return zone, moment + timedelta(microseconds=shift)
    zone = draw(st.sampled_from(ZONES))
    target = draw(
        st.datetimes(
            datetime(2015, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)
        )
    )
    return zone, target


# --- week view: examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "target", "expected"),
    [
        # ordinary day; seconds and microseconds count; exact half rounds forward
        (NY, loc(NY, 2026, 6, 10, 10, 7, 29, 999999), loc(NY, 2026, 6, 10, 10, 0)),
        (NY, loc(NY, 2026, 6, 10, 10, 7, 30), loc(NY, 2026, 6, 10, 10, 15)),
        (NY, loc(NY, 2026, 6, 10, 10, 22, 29), loc(NY, 2026, 6, 10, 10, 15)),
        # day rollover
        (NY, loc(NY, 2026, 6, 10, 23, 53), loc(NY, 2026, 6, 11, 0, 0)),
        (NY, loc(NY, 2026, 6, 10, 23, 52, 29), loc(NY, 2026, 6, 10, 23, 45)),
        (NY, loc(NY, 2026, 12, 31, 23, 59), loc(NY, 2027, 1, 1, 0, 0)),
        # NY spring-forward 2026-03-08 (02:00 EST -> 03:00 EDT)
        (NY, loc(NY, 2026, 3, 8, 1, 50), loc(NY, 2026, 3, 8, 1, 45)),
        (NY, loc(NY, 2026, 3, 8, 1, 52, 30), loc(NY, 2026, 3, 8, 3, 0)),
        (NY, loc(NY, 2026, 3, 8, 1, 55), loc(NY, 2026, 3, 8, 3, 0)),
        (NY, loc(NY, 2026, 3, 8, 3, 5), loc(NY, 2026, 3, 8, 3, 0)),
        # NY fall-back 2026-11-01 (02:00 EDT -> 01:00 EST): stay in the hour dropped in
        (NY, loc(NY, 2026, 11, 1, 0, 55), loc(NY, 2026, 11, 1, 1, 0)),
        (NY, loc(NY, 2026, 11, 1, 1, 5), loc(NY, 2026, 11, 1, 1, 0)),
        (NY, loc(NY, 2026, 11, 1, 1, 5, fold=1), loc(NY, 2026, 11, 1, 1, 0, fold=1)),
        (NY, loc(NY, 2026, 11, 1, 1, 40, fold=1), loc(NY, 2026, 11, 1, 1, 45, fold=1)),
        (NY, loc(NY, 2026, 11, 1, 1, 55), loc(NY, 2026, 11, 1, 1, 0, fold=1)),
        (NY, loc(NY, 2026, 11, 1, 1, 55, fold=1), loc(NY, 2026, 11, 1, 2, 0)),
        # London spring 2026-03-29 (01:00 GMT -> 02:00 BST), fall 2026-10-25 (02:00 -> 01:00)
        (LONDON, loc(LONDON, 2026, 3, 29, 0, 56), loc(LONDON, 2026, 3, 29, 2, 0)),
        (LONDON, loc(LONDON, 2026, 3, 29, 2, 7), loc(LONDON, 2026, 3, 29, 2, 0)),
        (LONDON, loc(LONDON, 2026, 10, 25, 1, 20), loc(LONDON, 2026, 10, 25, 1, 15)),
        (
            LONDON,
            loc(LONDON, 2026, 10, 25, 1, 20, fold=1),
            loc(LONDON, 2026, 10, 25, 1, 15, fold=1),
        ),
        # Kolkata +5:30: quarters still line up
        (
            KOLKATA,
            loc(KOLKATA, 2026, 3, 8, 10, 7, 30),
            loc(KOLKATA, 2026, 3, 8, 10, 15),
        ),
        (KOLKATA, loc(KOLKATA, 2026, 3, 8, 23, 58), loc(KOLKATA, 2026, 3, 9, 0, 0)),
        # Adelaide +10:30 / +9:30: DST ends 2026-04-05 03:00, starts 2026-10-04 02:00
        (
            ADELAIDE,
            loc(ADELAIDE, 2026, 1, 15, 10, 52),
            loc(ADELAIDE, 2026, 1, 15, 10, 45),
        ),
        (ADELAIDE, loc(ADELAIDE, 2026, 4, 5, 2, 20), loc(ADELAIDE, 2026, 4, 5, 2, 15)),
        (
            ADELAIDE,
            loc(ADELAIDE, 2026, 4, 5, 2, 20, fold=1),
            loc(ADELAIDE, 2026, 4, 5, 2, 15, fold=1),
        ),
        (ADELAIDE, loc(ADELAIDE, 2026, 10, 4, 1, 55), loc(ADELAIDE, 2026, 10, 4, 3, 0)),
    ],
)
def test_snap_week_drop_examples(zone, target, expected):
    result = snap_week_drop(target, zone)
    assert result == expected
    assert result.tzinfo is UTC


def test_snap_keeps_offset_of_dropped_hour():
    edt = snap_week_drop(loc(NY, 2026, 11, 1, 1, 5), NY).astimezone(NY)
    est = snap_week_drop(loc(NY, 2026, 11, 1, 1, 5, fold=1), NY).astimezone(NY)
    assert edt.utcoffset() == timedelta(hours=-4)
    assert est.utcoffset() == timedelta(hours=-5)


def test_snap_accepts_non_utc_aware_target():
    target = datetime(2026, 6, 10, 10, 8, tzinfo=NY)
    assert snap_week_drop(target, LONDON) == loc(NY, 2026, 6, 10, 10, 15)


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        # naive targets are wall-clock positions; a snapped time in the gap moves to 03:00
        (datetime(2026, 3, 8, 2, 15), loc(NY, 2026, 3, 8, 3, 0)),
        (datetime(2026, 3, 8, 2, 50), loc(NY, 2026, 3, 8, 3, 0)),
        (datetime(2026, 3, 8, 2, 55), loc(NY, 2026, 3, 8, 3, 0)),
        (datetime(2026, 3, 8, 1, 55), loc(NY, 2026, 3, 8, 3, 0)),
        (datetime(2026, 6, 10, 10, 8), loc(NY, 2026, 6, 10, 10, 15)),
        (datetime(2026, 11, 1, 1, 20), loc(NY, 2026, 11, 1, 1, 15)),
        (datetime(2026, 11, 1, 1, 20, fold=1), loc(NY, 2026, 11, 1, 1, 15, fold=1)),
    ],
)
def test_snap_naive_wall_clock_target(wall, expected):
    assert snap_week_drop(wall, NY) == expected


# --- week view: properties -------------------------------------------------------------


@FAST
@given(zoned_targets())
def test_snap_is_nearest_local_quarter(zoned):
    zone, target = zoned
    result = snap_week_drop(target, zone)
    assert result.tzinfo is UTC
    assert is_local_quarter(result, zone)
    assert abs(result - target) <= timedelta(minutes=7, seconds=30)
    assert result == nearest_quarter_oracle(target, zone)


@FAST
@given(st.sampled_from(GAPS), st.data())
def test_snap_naive_in_gap_goes_to_first_quarter_after_gap(gap, data):
    zone, moment, before, after = gap
    wall_start = (moment + before).replace(
        tzinfo=None
    )  # first wall time that is skipped
    skipped = int((after - before).total_seconds())
    wall = wall_start + timedelta(seconds=data.draw(st.integers(0, skipped - 1)))
    assert snap_week_drop(wall, zone) == first_quarter_at_or_after(moment, zone)


# --- month view ------------------------------------------------------------------------


def test_month_drop_keeps_wall_clock_across_dst():
    start = loc(NY, 2026, 3, 5, 10, 0)  # EST
    result = month_drop(date(2026, 3, 12), start, NY)  # EDT
    assert result == loc(NY, 2026, 3, 12, 10, 0)
    assert result - start == timedelta(days=7, hours=-1)


def test_month_drop_into_gap_uses_first_quarter_after():
    assert month_drop(date(2026, 3, 8), loc(NY, 2026, 3, 1, 2, 30), NY) == loc(
        NY, 2026, 3, 8, 3, 0
    )
    assert month_drop(date(2026, 3, 8), loc(NY, 2026, 3, 1, 2, 0), NY) == loc(
        NY, 2026, 3, 8, 3, 0
    )
    adl = month_drop(date(2026, 10, 4), loc(ADELAIDE, 2026, 9, 27, 2, 10), ADELAIDE)
    assert adl == loc(ADELAIDE, 2026, 10, 4, 3, 0)


def test_month_drop_ambiguous_is_first_occurrence():
    first = loc(NY, 2026, 11, 1, 1, 30)
    assert month_drop(date(2026, 11, 1), loc(NY, 2026, 10, 25, 1, 30), NY) == first
    # even when the original sat in the second 1:30 of its own fall-back day
    assert (
        month_drop(date(2026, 11, 1), loc(NY, 2026, 11, 1, 1, 30, fold=1), NY) == first
    )
    assert month_drop(
        date(2026, 11, 8), loc(NY, 2026, 11, 1, 1, 30, fold=1), NY
    ) == loc(NY, 2026, 11, 8, 1, 30)


def test_month_drop_london_and_adelaide():
    assert month_drop(date(2026, 4, 2), loc(LONDON, 2026, 3, 26, 9, 0), LONDON) == loc(
        LONDON, 2026, 4, 2, 9, 0
    )
    assert month_drop(
        date(2026, 4, 9), loc(ADELAIDE, 2026, 4, 2, 9, 45), ADELAIDE
    ) == loc(ADELAIDE, 2026, 4, 9, 9, 45)


def test_month_drop_rejects_naive_original():
    with pytest.raises(ValueError):
        month_drop(date(2026, 3, 8), datetime(2026, 3, 1, 10), NY)


@st.composite
def month_drops(draw) -> tuple[ZoneInfo, date, datetime]:
    """(zone, target day, original start); half aim a time near a transition at its day."""
    if draw(st.booleans()):
        zone, moment, before, _ = draw(st.sampled_from(ALL_TRANSITIONS))
        wall = (moment + before).replace(tzinfo=None)
        wall += timedelta(
            minutes=draw(st.integers(-90, 90)),
            seconds=draw(st.sampled_from([0, 0, 17])),
        )
        target_day = wall.date() if draw(st.booleans()) else (moment + before).date()
        original_day = target_day - timedelta(days=draw(st.integers(1, 60)))
    else:
        zone = draw(st.sampled_from(ZONES))
        wall = datetime.combine(
            draw(st.dates(date(2015, 1, 1), date(2030, 12, 31))), draw(st.times())
        )
        target_day = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
        original_day = wall.date()
    original = datetime.combine(original_day, wall.time(), tzinfo=zone).astimezone(UTC)
    return zone, target_day, original


@FAST
@given(month_drops())
def test_month_drop_keeps_local_time_when_it_exists(case):
    zone, target_day, original = case
    result = month_drop(target_day, original, zone)
    wanted = datetime.combine(target_day, original.astimezone(zone).time()).replace(
        fold=0
    )
    local = result.astimezone(zone)
    assert result.tzinfo is UTC
    assert local.date() == target_day
    exists = (
        wanted.replace(tzinfo=zone)
        .astimezone(UTC)
        .astimezone(zone)
        .replace(tzinfo=None)
        == wanted
    )
    event("local time exists" if exists else "local time in gap")
    if exists:
        assert local.replace(tzinfo=None) == wanted
        assert result == wanted.replace(tzinfo=zone).astimezone(UTC)  # first occurrence
    else:
        moment = next(
            m
            for z, m, _, _ in GAPS
            if z is zone and (m.astimezone(zone).date() == target_day)
        )
        assert result == first_quarter_at_or_after(moment, zone)


# --- landing -----------------------------------------------------------------------------


def test_landing_week_keeps_real_length_across_fall_back():
    original = Interval.of_length(loc(NY, 2026, 10, 28, 9, 0), 60)
    result = landing("WEEK", loc(NY, 2026, 11, 1, 1, 32), original, NY)
    assert result == Landing(
        loc(NY, 2026, 11, 1, 1, 30), loc(NY, 2026, 11, 1, 1, 30, fold=1)
    )
    assert result.interval.minutes == 60


def test_landing_month_keeps_time_and_length():
    original = Interval.of_length(loc(LONDON, 2026, 3, 26, 10, 0), 50)
    result = landing("MONTH", date(2026, 3, 30), original, LONDON)
    assert result.start == loc(LONDON, 2026, 3, 30, 10, 0)
    assert result.end - result.start == timedelta(minutes=50)


@pytest.mark.parametrize(
    ("view", "target"),
    [
        ("WEEK", date(2026, 3, 8)),
        ("MONTH", datetime(2026, 3, 8, 10, tzinfo=UTC)),
        ("MONTH", "2026-03-08"),
        ("DAY", datetime(2026, 3, 8, 10, tzinfo=UTC)),
    ],
)
def test_landing_rejects_wrong_target_type(view, target):
    original = Interval.of_length(loc(NY, 2026, 3, 1, 10, 0), 50)
    with pytest.raises(ValueError):
        landing(view, target, original, NY)


@FAST
@given(
    zoned_targets(),
    st.integers(0, 8 * 60),
    st.dates(date(2015, 1, 1), date(2030, 12, 31)),
)
def test_landing_preserves_length(zoned, minutes, day):
    zone, target = zoned
    original = Interval.of_length(target - timedelta(days=3), minutes)
    for view, where in (("WEEK", target), ("MONTH", day)):
        result = landing(view, where, original, zone)
        assert result.end - result.start == timedelta(minutes=minutes)


def test_landing_uses_time_of_day_only_in_week_view():
    original = Interval.of_length(loc(KOLKATA, 2026, 3, 2, 9, 0), 45)
    result = landing("WEEK", loc(KOLKATA, 2026, 3, 4, 14, 6), original, KOLKATA)
    assert result.start == loc(KOLKATA, 2026, 3, 4, 14, 0)
    assert result.interval == Interval(
        result.start, result.start + timedelta(minutes=45)
    )
