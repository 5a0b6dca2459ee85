"""Time off: local dates/times to instants across DST, and the validation codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.time_off import rezoned_interval, time_off_interval, validate_time_off
from domain.wallclock import local_instant, naive_local, to_local
from tests.support.dst import DST_ZONES, wall_near_change

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
ZONES = [ZoneInfo(z) for z in (*DST_ZONES, "Asia/Kolkata")]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def entry(
    start: date,
    end: date,
    *,
    all_day: bool = False,
    start_minute: int | None = None,
    end_minute: int | None = None,
    zone: ZoneInfo = NY,
) -> dict:
    return {
        "start_date": start,
        "end_date": end,
        "all_day": all_day,
        "start_minute": start_minute,
        "end_minute": end_minute,
        "zone": zone,
    }


def codes(**kwargs) -> list[tuple[str, str]]:
    return [(field, code) for field, code, _ in validate_time_off(**kwargs)]


# --- conversion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        (date(2026, 10, 25), utc(2026, 10, 24, 23), utc(2026, 10, 26, 0), 25),
        (date(2026, 3, 29), utc(2026, 3, 29, 0), utc(2026, 3, 29, 23), 23),
        (date(2026, 6, 10), utc(2026, 6, 9, 23), utc(2026, 6, 10, 23), 24),
    ],
)
def test_all_day_in_london_is_local_midnight_to_midnight(
    day: date, start: datetime, end: datetime, hours: int
) -> None:
    block = time_off_interval(**entry(day, day, all_day=True, zone=LONDON))
    assert (block.start, block.end) == (start, end)
    assert block.minutes == hours * 60
    assert to_local(block.start, LONDON).hour == to_local(block.end, LONDON).hour == 0


def test_all_day_over_several_days_spans_the_dst_change() -> None:
    block = time_off_interval(
        **entry(date(2026, 10, 24), date(2026, 10, 26), all_day=True, zone=LONDON)
    )
    assert block.start == utc(2026, 10, 23, 23)
    assert block.end == utc(2026, 10, 27, 0)
    assert block.minutes == (3 * 24 + 1) * 60


def test_all_day_ignores_times() -> None:
    day = date(2026, 6, 10)
    plain = time_off_interval(**entry(day, day, all_day=True))
    with_times = time_off_interval(**entry(day, day, all_day=True, start_minute=600, end_minute=5))
    assert plain == with_times
    assert validate_time_off(**entry(day, day, all_day=True, start_minute=600, end_minute=5)) == []


def test_part_day_block_on_one_date() -> None:
    day = date(2026, 6, 10)
    block = time_off_interval(**entry(day, day, start_minute=9 * 60, end_minute=12 * 60 + 30))
    assert (block.start, block.end) == (utc(2026, 6, 10, 13), utc(2026, 6, 10, 16, 30))


def test_part_day_block_is_continuous_across_dates() -> None:
    block = time_off_interval(
        **entry(date(2026, 6, 8), date(2026, 6, 10), start_minute=17 * 60, end_minute=9 * 60)
    )
    assert (block.start, block.end) == (utc(2026, 6, 8, 21), utc(2026, 6, 10, 13))


def test_end_minute_1440_is_next_midnight() -> None:
    day = date(2026, 6, 10)
    block = time_off_interval(**entry(day, day, start_minute=22 * 60, end_minute=1440))
    assert block.end == utc(2026, 6, 11, 4)


def test_gap_times_mean_the_end_of_the_gap_and_ambiguous_times_mean_first() -> None:
    spring, fall = date(2026, 3, 8), date(2026, 11, 1)
    block = time_off_interval(**entry(spring, spring, start_minute=150, end_minute=4 * 60))
    assert block.start == utc(2026, 3, 8, 7, 0)  # 2:30 does not exist: from 3:00 EDT
    assert block.minutes == 60
    block = time_off_interval(**entry(fall, fall, start_minute=90, end_minute=2 * 60))
    assert block.start == utc(2026, 11, 1, 5, 30)  # the first 1:30, EDT
    assert block.minutes == 90  # 1:30 EDT to 2:00 EST


def test_conversion_refuses_what_validation_rejects() -> None:
    day = date(2026, 6, 10)
    with pytest.raises(ValueError):
        time_off_interval(**entry(day, day, start_minute=None, end_minute=600))
    with pytest.raises(ValueError):
        time_off_interval(**entry(day, day - timedelta(days=1), all_day=True))


# --- validation ------------------------------------------------------------------------

DAY = date(2026, 6, 10)


def test_valid_entries_have_no_problems() -> None:
    assert validate_time_off(**entry(DAY, DAY, start_minute=540, end_minute=600)) == []
    assert validate_time_off(**entry(DAY, DAY + timedelta(days=3), all_day=True)) == []


def test_end_date_before_start_date() -> None:
    assert codes(**entry(DAY, DAY - timedelta(days=1), all_day=True)) == [
        ("endDate", "INVALID_RANGE")
    ]


def test_part_day_needs_both_times() -> None:
    assert codes(**entry(DAY, DAY)) == [("startTime", "REQUIRED"), ("endTime", "REQUIRED")]
    assert codes(**entry(DAY, DAY, start_minute=540)) == [("endTime", "REQUIRED")]
    assert codes(**entry(DAY, DAY, end_minute=540)) == [("startTime", "REQUIRED")]


@pytest.mark.parametrize(("start", "end"), [(600, 600), (660, 600), (1440, 0)])
def test_part_day_end_must_be_after_start(start: int, end: int) -> None:
    assert codes(**entry(DAY, DAY, start_minute=start, end_minute=end)) == [
        ("endTime", "INVALID_RANGE")
    ]


def test_issue_18_time_off_starting_in_the_gap() -> None:
    """New York, 14 March 2027: 02:30-03:40 blocks from 03:00 EDT (it was 03:30), and
    02:30-03:10 is accepted (it was refused) and blocks 03:00-03:10."""
    spring = date(2027, 3, 14)
    block = time_off_interval(**entry(spring, spring, start_minute=150, end_minute=220))
    assert (block.start, block.end) == (utc(2027, 3, 14, 7, 0), utc(2027, 3, 14, 7, 40))
    assert validate_time_off(**entry(spring, spring, start_minute=150, end_minute=190)) == []
    block = time_off_interval(**entry(spring, spring, start_minute=150, end_minute=190))
    assert (block.start, block.end) == (utc(2027, 3, 14, 7, 0), utc(2027, 3, 14, 7, 10))


def test_a_range_wholly_inside_the_gap_is_empty_and_refused() -> None:
    spring = date(2027, 3, 14)  # 02:15-02:45 never shows on the clock
    assert codes(**entry(spring, spring, start_minute=135, end_minute=165)) == [
        ("endTime", "INVALID_RANGE")
    ]


def test_rezoning_never_refuses_and_leaves_an_empty_block_at_the_gap() -> None:
    """Valid in London, wholly inside New York's gap: after a zone change the entry keeps its
    local times and becomes an empty block at 03:00 EDT (which blocks nothing)."""
    spring = date(2027, 3, 14)
    kept = entry(spring, spring, start_minute=135, end_minute=165, zone=LONDON)
    assert validate_time_off(**kept) == []
    block = rezoned_interval(**{**kept, "zone": NY})
    assert block.start == block.end == utc(2027, 3, 14, 7, 0)
    # Valid in London, ordered differently by the old rule: never "end before start".
    block = rezoned_interval(**entry(spring, spring, start_minute=190, end_minute=170, zone=NY))
    assert block.start == block.end


def test_minutes_outside_the_day_are_rejected() -> None:
    assert codes(**entry(DAY, DAY, start_minute=-1, end_minute=1441)) == [
        ("startTime", "INVALID_TIME"),
        ("endTime", "INVALID_TIME"),
    ]


def test_span_limit_is_366_calendar_days() -> None:
    leap_year = entry(date(2028, 1, 1), date(2028, 12, 31), all_day=True)
    assert validate_time_off(**leap_year) == []
    one_more = entry(date(2028, 1, 1), date(2029, 1, 1), all_day=True)
    assert codes(**one_more) == [("endDate", "RANGE_TOO_LONG")]


def test_messages_never_echo_input() -> None:
    bad = entry(date(2031, 7, 19), date(2029, 5, 17), start_minute=777, end_minute=None)
    problems = validate_time_off(**bad)
    assert problems
    for _, _, message in problems:
        assert message
        for value in ("2031", "2029", "777", "07-19", "05-17", "New_York"):
            assert value not in message


# --- properties ------------------------------------------------------------------------


@st.composite
def entries(draw: st.DrawFn) -> dict:
    """Mostly part-day entries whose start and end lie within an hour of a real clock change
    of the zone (so in gaps and repeated hours), else anything."""
    zone = draw(st.sampled_from(ZONES))
    if zone.key in DST_ZONES and draw(st.integers(0, 3)):
        start, start_minute = draw(wall_near_change(zone.key))
        end, end_minute = draw(wall_near_change(zone.key)) if draw(st.booleans()) else (
            start, min(1440, start_minute + draw(st.integers(0, 120)))
        )
        return entry(start, end, all_day=draw(st.integers(0, 5)) == 0, start_minute=start_minute,
                     end_minute=end_minute, zone=zone)
    start = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    minute = st.none() | st.integers(0, 1440) | st.integers(-5, 1445)
    return entry(
        start,
        start + timedelta(days=draw(st.integers(-2, 3) | st.integers(360, 370))),
        all_day=draw(st.booleans()),
        start_minute=draw(minute),
        end_minute=draw(minute),
        zone=zone,
    )


def brute_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The wall-clock rule by brute force: the instant showing that wall time (its first
    occurrence), else the first minute at which the clock is past it (the gap's end)."""
    exact = local_instant(day, minute, zone)
    if exact is not None:
        return exact
    wall = naive_local(day, minute)
    t = (wall - timedelta(hours=15)).replace(tzinfo=UTC)
    while to_local(t, zone).replace(tzinfo=None) <= wall:
        t += timedelta(minutes=1)
    return t


@settings(deadline=None, max_examples=400)
@given(entries())
def test_validation_and_conversion_agree(e: dict) -> None:
    problems = validate_time_off(**e)
    if problems:
        assert all(code for _, code, _ in problems)
        return
    block = time_off_interval(**e)
    assert block.end > block.start
    zone = e["zone"]
    if e["all_day"]:
        assert block.start == brute_instant(e["start_date"], 0, zone)
        assert block.end == brute_instant(e["end_date"] + timedelta(days=1), 0, zone)
    else:  # the wall clock asked for, or the end of the gap it falls in
        assert block.start == brute_instant(e["start_date"], e["start_minute"], zone)
        assert block.end == brute_instant(e["end_date"], e["end_minute"], zone)
        asked = naive_local(e["start_date"], e["start_minute"])
        assert asked <= to_local(block.start, zone).replace(tzinfo=None) <= asked + timedelta(hours=1)


@settings(deadline=None, max_examples=300)
@given(entries(), st.sampled_from(ZONES))
def test_rezoning_a_valid_entry_never_fails(e: dict, new_zone: ZoneInfo) -> None:
    """A zone change keeps every entry: the same block as entering it there when that is
    valid, else an empty block (both ends in one gap)."""
    if validate_time_off(**e):
        return
    moved = {**e, "zone": new_zone}
    block = rezoned_interval(**moved)
    assert block.end >= block.start
    if not validate_time_off(**moved):
        assert block == time_off_interval(**moved)
    else:
        assert block.start == block.end
