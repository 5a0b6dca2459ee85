"""The waitlist's rules (domain/waitlist.py) and holds as busy facts of the one slot function
(domain/booking.slot_rules): a hold refuses its time to everyone, its own claim sees the time
free; who is next; lapse and the search span on the therapist's dates, across DST changes."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.booking import Busy, BusyKind, SlotFacts, facts_window, slot_rules, without_hold
from domain.intervals import Interval
from domain.model import CalendarView, EventType, Therapist, TimeSlot, VisitType
from domain.waitlist import (
    EntryStatus,
    HoldStatus,
    SlotHold,
    WaitlistEntry,
    hold_expiry,
    lapsed,
    next_entry,
    range_errors,
    search_span,
)
from domain.wallclock import local_date
from tests.support.dst import DST_ZONES, transitions

NY = "America/New_York"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DAY = date(2026, 6, 8)
HOURS = {d: [TimeSlot(9 * 60, 17 * 60)] for d in range(7)}


def therapist(zone: str) -> Therapist:
    return Therapist(id=uuid.uuid4(), email="t@example.com", password_hash="x", display_name="T", username="t",
                     time_zone=zone, office_address=None, calendar_view=CalendarView.WEEK, created_at=NOW)


def event_type(minutes: int, grid: int | None = None) -> EventType:
    return EventType(id=uuid.uuid4(), therapist_id=uuid.uuid4(), title="Session", minutes=minutes,
                     visit_type=VisitType.TELEHEALTH_ONLY, description=None, created_at=NOW,
                     slot_interval_minutes=grid)


def entry(created: datetime, event_type_id: uuid.UUID, first: date, last: date,
          status: EntryStatus = EntryStatus.WAITING) -> WaitlistEntry:
    return WaitlistEntry(id=uuid.uuid4(), therapist_id=uuid.uuid4(), event_type_id=event_type_id,
                         first_name="A", last_name="B", email="a@example.com", phone=None, time_zone="UTC",
                         first_date=first, last_date=last, created_at=created, status=status)


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    z = ZoneInfo(zone)
    return (datetime.combine(day, datetime.min.time(), z).astimezone(UTC),
            datetime.combine(day + timedelta(days=1), datetime.min.time(), z).astimezone(UTC))


@settings(max_examples=60, deadline=None)
@given(minutes=st.sampled_from([30, 45, 50, 60, 90]), buffer=st.sampled_from([0, 10, 15]),
       pick=st.integers(0, 50), other=st.integers(0, 50))
def test_a_hold_refuses_its_time_to_everyone_but_its_claim(minutes, buffer, pick, other) -> None:
    t = therapist(NY)
    e = event_type(minutes)
    e = replace(e, buffer_before_minutes=buffer, buffer_after_minutes=buffer)
    lo, hi = day_bounds(DAY, NY)
    window = facts_window(e, lo, hi)
    free = slot_rules(SlotFacts(t, e, HOURS, [], [], window), NOW).free_starts(lo, hi)
    held_start = free[pick % len(free)]
    held = Interval.of_length(held_start, minutes)
    facts = SlotFacts(t, e, HOURS, [Busy(held, BusyKind.HOLD, e.id)], [], window)
    rules = slot_rules(facts, NOW)
    listed = rules.free_starts(lo, hi)
    assert held_start not in listed and not rules.is_bookable(held_start)
    for start in listed:  # nothing listed overlaps the hold or its buffers
        assert not Interval(start - timedelta(minutes=buffer), start + timedelta(minutes=minutes + buffer)) \
            .overlaps(held)
    # the claim checks against the facts without its own hold: its start is bookable again,
    # while another hold still blocks
    assert slot_rules(SlotFacts(t, e, HOURS, without_hold(facts.busy, held), [], window), NOW) \
        .is_bookable(held_start)
    second = free[other % len(free)]
    if not Interval.of_length(second, minutes).overlaps(held):
        both = [*facts.busy, Busy(Interval.of_length(second, minutes), BusyKind.HOLD, e.id)]
        claim = slot_rules(SlotFacts(t, e, HOURS, without_hold(both, held), [], window), NOW)
        assert claim.is_bookable(held_start) is (held_start not in _blocked_by(second, minutes, buffer))
        assert not claim.is_bookable(second)


def _blocked_by(start: datetime, minutes: int, buffer: int) -> set[datetime]:
    """Starts (every 5 minutes around) whose buffered session would touch a hold at `start`."""
    hold = Interval.of_length(start, minutes)
    found = set()
    for step in range(-100, 100):
        s = start + timedelta(minutes=5 * step)
        if Interval(s - timedelta(minutes=buffer), s + timedelta(minutes=minutes + buffer)).overlaps(hold):
            found.add(s)
    return found


def test_a_hold_counts_toward_the_daily_cap() -> None:
    t, e = therapist(NY), event_type(50, grid=60)
    e = replace(e, max_per_day=1)
    lo, hi = day_bounds(DAY, NY)
    held = Interval.of_length(lo + timedelta(hours=13), 50)
    facts = SlotFacts(t, e, HOURS, [Busy(held, BusyKind.HOLD, e.id)], [], facts_window(e, lo, hi))
    assert slot_rules(facts, NOW).free_starts(lo, hi) == []


entries_strategy = st.lists(
    st.tuples(st.integers(0, 1000), st.integers(0, 20), st.integers(0, 10), st.booleans(),
              st.sampled_from(list(EntryStatus))),
    min_size=0, max_size=12)


@settings(max_examples=200, deadline=None)
@given(raw=entries_strategy, day_offset=st.integers(0, 30), offered_mask=st.lists(st.booleans(), max_size=12))
def test_the_next_entry_is_the_earliest_waiting_one_that_fits(raw, day_offset, offered_mask) -> None:
    wanted, other = uuid.uuid4(), uuid.uuid4()
    base = date(2026, 7, 1)
    entries = [entry(NOW + timedelta(minutes=c), wanted if same else other, base + timedelta(days=f),
                     base + timedelta(days=f + length), status)
               for c, f, length, same, status in raw]
    day = base + timedelta(days=day_offset)
    start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
    offered = [(e.id, start) for e, was in zip(entries, offered_mask, strict=False) if was]
    chosen = next_entry(entries, wanted, day, offered, start)
    fits = [e for e in entries if e.status is EntryStatus.WAITING and e.event_type_id == wanted
            and e.first_date <= day <= e.last_date and (e.id, start) not in offered]
    if not fits:
        assert chosen is None
    else:
        assert chosen in fits
        assert all((chosen.created_at, chosen.id) <= (e.created_at, e.id) for e in fits)


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(DST_ZONES), which=st.integers(0, 5), days=st.integers(0, 3))
def test_an_entry_lapses_when_its_last_local_date_has_passed_across_dst(zone, which, days) -> None:
    change = transitions(zone)[which % len(transitions(zone))]
    last = local_date(change, ZoneInfo(zone)) + timedelta(days=days - 1)
    e = entry(NOW, uuid.uuid4(), last - timedelta(days=2), last)
    start, end = day_bounds(last, zone)  # the last date's first and the next date's first instant
    assert not lapsed(e, zone, start)
    assert not lapsed(e, zone, end - timedelta(seconds=1))
    assert lapsed(e, zone, end)
    assert not lapsed(e.move(EntryStatus.LEFT, end), zone, end + timedelta(days=9))  # closed: nothing to do


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(DST_ZONES), which=st.integers(0, 5), length=st.integers(0, 5))
def test_the_search_span_covers_every_instant_of_the_entries_dates_across_dst(zone, which, length) -> None:
    change = transitions(zone)[which % len(transitions(zone))]
    first = local_date(change, ZoneInfo(zone)) - timedelta(days=1)
    e = entry(NOW, uuid.uuid4(), first, first + timedelta(days=length))
    now = day_bounds(first, zone)[0] - timedelta(days=3)
    span = search_span([e], zone, now)
    assert span is not None
    assert span[0] <= day_bounds(first, zone)[0] and span[1] >= day_bounds(e.last_date, zone)[1]
    later = day_bounds(first, zone)[0] + timedelta(hours=5)  # starts in the past are never searched
    assert search_span([e], zone, later)[0] == later


def test_a_range_is_checked_on_the_therapists_dates() -> None:
    now = datetime(2026, 6, 2, 3, tzinfo=UTC)  # still June 1 in New York
    assert range_errors(date(2026, 6, 1), date(2026, 6, 1), NY, now) == []
    assert [e.code for e in range_errors(date(2026, 6, 1), date(2026, 6, 1), "Europe/Berlin", now)] == \
        ["OUT_OF_RANGE"]
    assert [e.code for e in range_errors(date(2026, 6, 5), date(2026, 6, 4), NY, now)] == ["INVALID_RANGE"]
    assert range_errors(date(2026, 6, 1), date(2026, 8, 1), NY, now) == []  # 62 dates
    assert [e.code for e in range_errors(date(2026, 6, 1), date(2026, 8, 2), NY, now)] == ["RANGE_TOO_LONG"]


def test_states_move_only_as_the_rules_allow() -> None:
    e = entry(NOW, uuid.uuid4(), DAY, DAY)
    offered = e.move(EntryStatus.OFFERED, NOW)
    assert offered.ended_at is None and offered.move(EntryStatus.WAITING, NOW).status is EntryStatus.WAITING
    booked = offered.move(EntryStatus.BOOKED, NOW)
    assert booked.ended_at == NOW
    with pytest.raises(ValueError):
        booked.move(EntryStatus.WAITING, NOW)
    with pytest.raises(ValueError):
        e.move(EntryStatus.BOOKED, NOW)  # only an offered entry books
    hold = SlotHold(uuid.uuid4(), e.id, e.therapist_id, e.event_type_id, NOW, NOW + timedelta(minutes=50), NOW,
                    hold_expiry(NOW))
    assert hold.expires_at - hold.created_at == timedelta(minutes=15)
    assert not hold.expired(NOW + timedelta(minutes=14, seconds=59)) and hold.expired(NOW + timedelta(minutes=15))
    claimed = hold.move(HoldStatus.CLAIMED, uuid.uuid4())
    with pytest.raises(ValueError):
        claimed.move(HoldStatus.EXPIRED)
