"""The booking page's slot function (`domain/booking.slot_rules`): listing and booking load
different windows of facts and must still agree, series not yet materialised block their
times, across DST changes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import recurrence
from domain.booking import SlotFacts, facts_window, slot_rules
from domain.intervals import Interval
from domain.model import CalendarView, EventType, SeriesSpan, Therapist, TimeSlot, VisitType
from tests.support.dst import DST_ZONES, transitions

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def therapist(zone: str = "America/New_York", horizon: int | None = None) -> Therapist:
    return Therapist(
        id=uuid.uuid4(), email="t@example.com", password_hash="x", display_name="T",
        username="t", time_zone=zone, office_address=None, calendar_view=CalendarView.WEEK,
        created_at=EPOCH, booking_horizon_days=horizon,
    )


def event_type(minutes: int = 50, grid: int | None = None) -> EventType:
    return EventType(
        id=uuid.uuid4(), therapist_id=uuid.uuid4(), title="Session", minutes=minutes,
        visit_type=VisitType.TELEHEALTH_ONLY, description=None, created_at=EPOCH,
        slot_interval_minutes=grid,
    )


def load(
    t: Therapist, e: EventType, weekly: dict[int, list[TimeSlot]], world: list[Interval],
    series: list[SeriesSpan], window: Interval,
) -> SlotFacts:
    """What the callers read from storage: the busy rows overlapping the window."""
    busy = [b for b in world if b.start < window.end and b.end > window.start]
    return SlotFacts(t, e, weekly, busy, series, window)


def listed(facts: SlotFacts, now: datetime, lo: datetime, hi: datetime) -> list[datetime]:
    return slot_rules(facts, now).free_starts(lo, hi)


NY = "America/New_York"
MONDAY = date(2026, 6, 8)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
NINE_TO_FIVE = {d: [TimeSlot(9 * 60, 17 * 60)] for d in range(7)}


def at_ny(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(NY)).astimezone(UTC)


def test_a_series_beyond_what_exists_blocks_its_time() -> None:
    """A weekly 10:00 series materialised up to the day before: its Monday 10:00 occurrence has
    no session row yet, and is still not offered; 11:00 is."""
    series = SeriesSpan(anchor_date=MONDAY - timedelta(weeks=3), start_minute=10 * 60,
                        length_minutes=50, every_weeks=1, materialised_until=MONDAY - timedelta(days=1))
    t, e = therapist(NY), event_type(50, grid=60)
    lo, hi = at_ny(MONDAY, 0), at_ny(MONDAY + timedelta(days=1), 0)
    facts = load(t, e, NINE_TO_FIVE, [], [series], facts_window(e, lo, hi))
    starts = listed(facts, NOW, lo, hi)
    assert at_ny(MONDAY, 10) not in starts
    assert at_ny(MONDAY, 11) in starts
    booking = load(t, e, NINE_TO_FIVE, [], [series], facts_window(e, at_ny(MONDAY, 10), at_ny(MONDAY, 10)))
    assert not slot_rules(booking, NOW).is_bookable(at_ny(MONDAY, 10))


def test_a_materialised_occurrence_blocks_through_its_session_only() -> None:
    """Up to `materialised_until` the series' sessions are the truth: one cancelled (no row in
    busy) frees its time."""
    series = SeriesSpan(anchor_date=MONDAY - timedelta(weeks=3), start_minute=10 * 60,
                        length_minutes=50, every_weeks=1, materialised_until=MONDAY + timedelta(weeks=4))
    t, e = therapist(NY), event_type(50, grid=60)
    lo, hi = at_ny(MONDAY, 0), at_ny(MONDAY + timedelta(days=1), 0)
    assert at_ny(MONDAY, 10) in listed(load(t, e, NINE_TO_FIVE, [], [series], facts_window(e, lo, hi)), NOW, lo, hi)
    stopped = SeriesSpan(series.anchor_date, 600, 50, 1, MONDAY - timedelta(days=7), active=False)
    assert at_ny(MONDAY, 10) in listed(load(t, e, NINE_TO_FIVE, [], [stopped], facts_window(e, lo, hi)), NOW, lo, hi)


def test_the_facts_window_covers_the_last_session() -> None:
    e = event_type(50)
    start = datetime(2026, 6, 8, 14, tzinfo=UTC)
    assert facts_window(e, start, start) == Interval(start, start + timedelta(minutes=50))


@st.composite
def worlds(draw: st.DrawFn):
    """A therapist near a real clock change: weekly hours, busy rows, active series (some
    materialised past the change, some not), "now", and a listing range around the change."""
    zone = draw(st.sampled_from([*DST_ZONES, "UTC"]))
    change = draw(st.sampled_from(transitions(zone) or (datetime(2026, 6, 15, tzinfo=UTC),)))
    local_change = change.astimezone(ZoneInfo(zone)).date()
    slot = st.tuples(st.integers(0, 95), st.integers(1, 24)).map(
        lambda p: TimeSlot(15 * p[0], min(1440, 15 * (p[0] + p[1]))))
    weekly = {d: sorted(set(draw(st.lists(slot, max_size=2))), key=lambda s: s.start_minute)
              for d in range(7)}
    weekly = {d: [s for i, s in enumerate(v) if i == 0 or s.start_minute >= v[i - 1].end_minute]
              for d, v in weekly.items()}
    world = [
        Interval.of_length(change + timedelta(minutes=15 * draw(st.integers(-200, 200))),
                           draw(st.integers(0, 300)))
        for _ in range(draw(st.integers(0, 8)))
    ]
    series = [
        SeriesSpan(
            anchor_date=local_change - timedelta(days=draw(st.integers(0, 30))),
            start_minute=15 * draw(st.integers(0, 95)), length_minutes=draw(st.integers(15, 120)),
            every_weeks=draw(st.integers(1, 4)),
            materialised_until=local_change + timedelta(days=draw(st.integers(-10, 3))),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    now = change - timedelta(minutes=draw(st.integers(0, 3 * 1440)))
    lo = change - timedelta(minutes=15 * draw(st.integers(0, 192)))
    hi = lo + timedelta(minutes=15 * draw(st.integers(1, 384)))
    return (therapist(zone, draw(st.none() | st.integers(0, 5))),
            event_type(draw(st.integers(5, 120)), draw(st.none() | st.sampled_from([5, 15, 30]))),
            weekly, world, series, now, lo, hi)


@settings(deadline=None, max_examples=200)
@given(worlds())
def test_booking_with_its_own_facts_agrees_with_the_listing(world) -> None:
    """Listing loads the facts of a whole range, booking those of one session: every start of
    the range on a 5-minute lattice is bookable exactly when it is listed."""
    t, e, weekly, busy, series, now, lo, hi = world
    offered = set(listed(load(t, e, weekly, busy, series, facts_window(e, lo, hi)), now, lo, hi))
    start = lo
    while start < hi:
        own = load(t, e, weekly, busy, series, facts_window(e, start, start))
        assert slot_rules(own, now).is_bookable(start) == (start in offered), start
        start += timedelta(minutes=5)
    blocked = recurrence.future_busy(series, t.time_zone, lo, hi + timedelta(minutes=e.minutes))
    for s in offered:  # nothing listed overlaps a busy row or a series' future occurrence
        session = Interval.of_length(s, e.minutes)
        assert not any(session.overlaps(b) for b in [*busy, *blocked] if b.end > b.start)
