"""Weekly-hours parsing: every malformed value is a user error with a field path."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.availability import format_minute, parse_day, parse_minute, parse_slots
from domain.errors import ErrorCode


def test_day_names():
    assert parse_day("monday") == 0 and parse_day(" SUNDAY ") == 6
    assert parse_day("Mon") is None and parse_day("") is None


def test_minutes():
    assert parse_minute("00:00") == 0 and parse_minute("24:00") == 1440
    assert parse_minute("9:00") == parse_minute("09:00") == 540 and parse_minute("24:01") is None
    assert parse_minute("0:30") == 30 and parse_minute(":30") is None and parse_minute("009:00") is None
    assert parse_minute("12:60") is None and parse_minute("ab:cd") is None


@given(st.integers(0, 1440))
def test_format_round_trips(minute):
    assert parse_minute(format_minute(minute)) == minute
    assert parse_minute(f"{minute // 60}:{minute % 60:02d}") == minute  # without the leading zero


def test_slots_sorted_and_touching_ok():
    slots, errors = parse_slots([("10:00", "11:00"), ("09:00", "10:00")])
    assert errors == [] and [(s.start_minute, s.end_minute) for s in slots] == [(540, 600), (600, 660)]


def test_errors_carry_paths():
    _, errors = parse_slots([("09:00", "10:00"), ("09:30", "09:45"), ("24:00", "24:00")])
    assert {(e.field, e.code) for e in errors} == {
        (("slots", "1"), ErrorCode.OVERLAPPING_SLOTS),
        (("slots", "2", "start"), ErrorCode.INVALID_TIME),
    }


@given(st.lists(st.tuples(st.integers(0, 1439), st.integers(1, 600)), max_size=20))
def test_valid_result_never_overlaps(raw):
    pairs = [(format_minute(s), format_minute(min(1440, s + d))) for s, d in raw]
    slots, errors = parse_slots(pairs)
    if errors:
        assert slots == []
        return
    assert len(slots) <= 15
    for a, b in zip(slots, slots[1:], strict=False):
        assert a.end_minute <= b.start_minute
