"""Time off: local dates/times to instants across DST, and the validation codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.time_off import time_off_interval, validate_time_off
from domain.wallclock import naive_local, to_local

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
ZONES = [NY, LONDON, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata")]


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


def test_gap_times_move_later_and_ambiguous_times_mean_first() -> None:
    spring, fall = date(2026, 3, 8), date(2026, 11, 1)
    block = time_off_interval(**entry(spring, spring, start_minute=150, end_minute=4 * 60))
    assert block.start == utc(2026, 3, 8, 7, 30)  # 2:30 does not exist: 3:30 EDT
    assert block.minutes == 30
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


def test_end_after_start_on_the_clock_but_not_in_time() -> None:
    spring = date(2026, 3, 8)  # 2:30 resolves to 3:30 EDT, after 3:15
    assert codes(**entry(spring, spring, start_minute=150, end_minute=195)) == [
        ("endTime", "INVALID_RANGE")
    ]


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
    start = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    minute = st.none() | st.integers(0, 1440) | st.integers(-5, 1445)
    return entry(
        start,
        start + timedelta(days=draw(st.integers(-2, 3) | st.integers(360, 370))),
        all_day=draw(st.booleans()),
        start_minute=draw(minute),
        end_minute=draw(minute),
        zone=draw(st.sampled_from(ZONES)),
    )


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
    start_local, end_local = to_local(block.start, zone), to_local(block.end, zone)
    if e["all_day"]:  # midnight exists every day in these zones
        assert start_local.replace(tzinfo=None) == naive_local(e["start_date"], 0)
        assert end_local.replace(tzinfo=None) == naive_local(e["end_date"], 1440)
    else:  # the wall clock asked for, or just after a spring-forward gap
        asked = naive_local(e["start_date"], e["start_minute"])
        assert asked <= start_local.replace(tzinfo=None) < asked + timedelta(hours=1)
        asked = naive_local(e["end_date"], e["end_minute"])
        assert asked <= end_local.replace(tzinfo=None) < asked + timedelta(hours=1)
