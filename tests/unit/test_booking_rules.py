"""Property tests of the booking rules in the one slot function (`domain.booking.slot_rules`):
buffers, minimum notice, daily caps, booking windows, date overrides and outside (Outlook) busy
times, around real DST changes. Listing (facts of a whole range) and booking (facts of one
session) agree, and nothing listed breaks a rule."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.booking import Busy, BusyKind, SlotFacts, facts_window, slot_rules
from domain.intervals import Interval
from domain.model import TimeSlot
from domain.wallclock import local_date, local_instant_or_later
from tests.support.dst import DST_ZONES, transitions
from tests.unit.test_booking import event_type, therapist


def hours(draw, max_size=2) -> list[TimeSlot]:
    slot = st.tuples(st.integers(0, 95), st.integers(1, 24)).map(
        lambda p: TimeSlot(15 * p[0], min(1440, 15 * (p[0] + p[1]))))
    found = sorted(set(draw(st.lists(slot, max_size=max_size))), key=lambda s: s.start_minute)
    return [s for i, s in enumerate(found) if i == 0 or s.start_minute >= found[i - 1].end_minute]


@st.composite
def worlds(draw: st.DrawFn):
    zone = draw(st.sampled_from([*DST_ZONES, "UTC"]))
    change = draw(st.sampled_from(transitions(zone) or (datetime(2026, 6, 15, tzinfo=UTC),)))
    local_change = change.astimezone(ZoneInfo(zone)).date()
    weekly = {d: hours(draw) for d in range(7)}
    overrides = {local_change + timedelta(days=draw(st.integers(-2, 2))): hours(draw, 3)
                 for _ in range(draw(st.integers(0, 3)))}
    e = event_type(draw(st.integers(5, 120)), draw(st.none() | st.sampled_from([5, 15, 30])))
    e = replace(e, buffer_before_minutes=draw(st.sampled_from([0, 0, 10, 15, 60])),
                buffer_after_minutes=draw(st.sampled_from([0, 0, 5, 30])),
                min_notice_minutes=draw(st.none() | st.sampled_from([0, 60, 24 * 60])),
                max_per_day=draw(st.none() | st.integers(1, 3)),
                booking_window_days=draw(st.none() | st.integers(0, 4)))
    other = uuid.uuid4()
    kinds = st.sampled_from([(BusyKind.SESSION, e.id), (BusyKind.SESSION, other),
                             (BusyKind.TIME_OFF, None), (BusyKind.OUTSIDE, None)])
    world = []
    for _ in range(draw(st.integers(0, 10))):
        kind, type_id = draw(kinds)
        start = change + timedelta(minutes=15 * draw(st.integers(-200, 200)))
        world.append(Busy(Interval.of_length(start, draw(st.integers(0, 300))), kind, type_id))
    now = change - timedelta(minutes=draw(st.integers(0, 3 * 1440)))
    lo = change - timedelta(minutes=15 * draw(st.integers(0, 192)))
    hi = lo + timedelta(minutes=15 * draw(st.integers(1, 384)))
    return therapist(zone, draw(st.none() | st.integers(0, 5))), e, weekly, overrides, world, now, lo, hi


def load(t, e, weekly, overrides, world, window: Interval) -> SlotFacts:
    """What the callers read: the busy rows overlapping the window, overrides of its dates ±1."""
    busy = [b for b in world if b.interval.start < window.end and b.interval.end > window.start]
    first, last = window.start.date() - timedelta(days=1), window.end.date() + timedelta(days=1)
    near = {d: v for d, v in overrides.items() if first <= d <= last}
    return SlotFacts(t, e, weekly, busy, [], window, near)


@settings(deadline=None, max_examples=150)
@given(worlds())
def test_booking_with_its_own_facts_agrees_with_the_listing(world) -> None:
    t, e, weekly, overrides, busy, now, lo, hi = world
    offered = set(slot_rules(load(t, e, weekly, overrides, busy, facts_window(e, lo, hi)), now).free_starts(lo, hi))
    start = lo
    while start < hi:
        own = load(t, e, weekly, overrides, busy, facts_window(e, start, start))
        assert slot_rules(own, now).is_bookable(start) == (start in offered), start
        start += timedelta(minutes=5)


@settings(deadline=None, max_examples=150)
@given(worlds())
def test_nothing_listed_breaks_a_rule(world) -> None:
    t, e, weekly, overrides, busy, now, lo, hi = world
    zone = ZoneInfo(t.time_zone)
    offered = slot_rules(load(t, e, weekly, overrides, busy, facts_window(e, lo, hi)), now).free_starts(lo, hi)
    notice = timedelta(minutes=30 if e.min_notice_minutes is None else e.min_notice_minutes)
    horizons = [d for d in (t.booking_horizon_days, e.booking_window_days) if d is not None]
    for start in offered:
        session = Interval.of_length(start, e.minutes)
        day = local_date(start, zone)
        assert start >= now + notice
        if horizons:
            assert day <= local_date(now, zone) + timedelta(days=min(horizons))
        assert not any(session.overlaps(b.interval) for b in busy if b.interval.end > b.interval.start)
        padded = Interval(start - timedelta(minutes=e.buffer_before_minutes),
                          session.end + timedelta(minutes=e.buffer_after_minutes))
        assert not any(padded.overlaps(b.interval) for b in busy
                       if b.kind is not BusyKind.TIME_OFF and b.interval.end > b.interval.start)
        if e.max_per_day is not None:
            same_day = [b for b in busy if b.kind is BusyKind.SESSION and b.event_type_id == e.id
                        and local_date(b.interval.start, zone) == day]
            assert len(same_day) < e.max_per_day
        slots = overrides[day] if day in overrides else weekly.get(day.weekday(), [])
        assert any(local_instant_or_later(day, s.start_minute, zone) <= start
                   and session.end <= local_instant_or_later(day, s.end_minute, zone) for s in slots)


def test_a_closed_override_date_offers_nothing_and_the_next_day_its_weekday() -> None:
    t = therapist("Europe/London")
    e = event_type(60, 60)
    day = date(2026, 3, 29)  # London's spring-forward Sunday
    weekly = {d: [TimeSlot(9 * 60, 12 * 60)] for d in range(7)}
    lo = datetime(2026, 3, 28, tzinfo=UTC)
    hi = lo + timedelta(days=3)
    now = datetime(2026, 3, 20, tzinfo=UTC)
    open_ = slot_rules(load(t, e, weekly, {}, [], facts_window(e, lo, hi)), now).free_starts(lo, hi)
    closed = slot_rules(load(t, e, weekly, {day: []}, [], facts_window(e, lo, hi)), now).free_starts(lo, hi)
    assert len(open_) == 9 and len(closed) == 6
    assert all(local_date(s, ZoneInfo("Europe/London")) != day for s in closed)
