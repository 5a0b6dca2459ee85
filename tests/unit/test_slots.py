"""Bookable starts: worked examples, DST days, and properties against a slow reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.intervals import Interval
from domain.slots import BookingRules, default_grid_minutes
from domain.wallclock import (
    local_date,
    local_instant,
    local_instant_or_later,
    naive_local,
    to_local,
)
from tests.support.dst import DST_ZONES, transitions

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
ADELAIDE = ZoneInfo("Australia/Adelaide")
TOKYO = ZoneInfo("Asia/Tokyo")
WED = date(2026, 6, 10)  # a Wednesday, no DST change nearby
EVERY_DAY = range(7)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = NY, fold: int = 0) -> datetime:
    """The UTC instant a wall clock in `zone` shows hour:minute on `day`."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone, fold=fold)
    return local.astimezone(UTC)


def rules(
    slots: list[tuple[int, int]],
    *,
    now: datetime,
    zone: ZoneInfo = NY,
    length: int = 50,
    grid: int | None = None,
    busy: tuple[Interval, ...] = (),
    horizon: int | None = None,
    notice: int = 30,
) -> BookingRules:
    return BookingRules(
        weekly={d: slots for d in EVERY_DAY},
        zone=zone,
        length_minutes=length,
        grid_minutes=default_grid_minutes(length) if grid is None else grid,
        busy=busy,
        now=now,
        horizon_days=horizon,
        min_notice_minutes=notice,
    )


def on_day(r: BookingRules, day: date, zone: ZoneInfo = NY) -> list[str]:
    """Offered starts on one local day as wall-clock text, e.g. ['09:00', '10:00']."""
    lo, hi = local_instant(day, 0, zone), local_instant_or_later(day + timedelta(days=1), 0, zone)
    return [to_local(t, zone).strftime("%H:%M") for t in r.free_starts(lo, hi)]


def h(hour: int, minute: int = 0) -> int:
    return hour * 60 + minute


LONG_AGO = at(date(2026, 1, 2), 12)


# --- examples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "expected"), [(5, 15), (15, 15), (45, 45), (50, 60), (60, 60), (61, 75)]
)
def test_default_grid_rounds_up_to_quarter_hours(length: int, expected: int) -> None:
    assert default_grid_minutes(length) == expected


def test_fifty_minutes_on_default_grid() -> None:
    r = rules([(h(9), h(12))], now=LONG_AGO, length=50)
    assert on_day(r, WED) == ["09:00", "10:00", "11:00"]


def test_forty_five_minutes_on_quarter_hour_grid() -> None:
    r = rules([(h(9), h(10))], now=LONG_AGO, length=45, grid=15)
    assert on_day(r, WED) == ["09:00", "09:15"]


def test_session_must_fit_inside_one_slot_even_when_slots_touch() -> None:
    r = rules([(h(9), h(10)), (h(10), h(11))], now=LONG_AGO, length=60, grid=30)
    assert on_day(r, WED) == ["09:00", "10:00"]
    assert not r.is_bookable(at(WED, 9, 30))


def test_grid_counts_from_each_slot_start() -> None:
    r = rules([(h(9, 10), h(11))], now=LONG_AGO, length=30, grid=45)
    assert on_day(r, WED) == ["09:10", "09:55"]
    assert not r.is_bookable(at(WED, 9))


def test_busy_time_touching_a_session_is_fine() -> None:
    busy = (
        Interval(at(WED, 10, 30), at(WED, 11)),
        Interval(at(WED, 10), at(WED, 10, 45)),  # unsorted and overlapping
        Interval(at(WED, 14), at(WED, 15)),
    )
    r = rules([(h(9), h(12)), (h(13), h(16))], now=LONG_AGO, length=60, busy=busy)
    assert on_day(r, WED) == ["09:00", "11:00", "13:00", "15:00"]


def test_one_busy_minute_blocks_a_session() -> None:
    busy = (Interval(at(WED, 9, 59), at(WED, 10)),)
    r = rules([(h(9), h(11))], now=LONG_AGO, length=60, busy=busy)
    assert on_day(r, WED) == ["10:00"]


def test_same_day_notice_boundary() -> None:
    slots = [(h(9), h(10))]
    assert rules(slots, now=at(WED, 8, 30), length=60).is_bookable(at(WED, 9))
    assert not rules(slots, now=at(WED, 8, 31), length=60).is_bookable(at(WED, 9))
    exactly = rules(slots, now=at(WED, 8, 30) + timedelta(microseconds=1), length=60)
    assert not exactly.is_bookable(at(WED, 9))


def test_notice_holds_across_midnight() -> None:
    """At 23:36 local, 00:00 tomorrow is 24 minutes ahead: not bookable (issue 18)."""
    tomorrow = WED + timedelta(days=1)
    r = rules([(0, h(1))], now=at(WED, 23, 36), length=30)
    assert on_day(r, tomorrow) == ["00:30"]
    assert not r.is_bookable(at(tomorrow, 0))
    r = rules([(0, h(1))], now=at(WED, 23, 30), length=30)
    assert on_day(r, tomorrow) == ["00:00", "00:30"]  # exactly 30 minutes ahead is enough


def test_past_and_present_are_not_offered() -> None:
    r = rules([(h(9), h(12))], now=at(WED, 10), length=50, notice=0)
    assert on_day(r, WED) == ["11:00"]
    assert not r.is_bookable(at(WED, 10))
    assert on_day(r, WED - timedelta(days=7)) == []


def test_horizon_counts_local_dates() -> None:
    monday = date(2026, 6, 1)
    slots = [(h(23), h(24))]
    within = rules(slots, now=at(monday, 0, 5), horizon=9, length=50)
    assert on_day(within, WED) == ["23:00"]
    beyond = rules(slots, now=at(monday, 23, 55), horizon=8, length=50)
    assert on_day(beyond, WED) == []
    assert on_day(beyond, WED - timedelta(days=1)) == ["23:00"]


def test_no_horizon_means_no_upper_bound() -> None:
    far = date(2031, 6, 11)
    assert on_day(rules([(h(9), h(10))], now=LONG_AGO), far) == ["09:00"]


def test_unavailable_weekday_offers_nothing() -> None:
    r = BookingRules(
        weekly={0: [(h(9), h(17))]}, zone=NY, length_minutes=50, grid_minutes=60, busy=(),
        now=LONG_AGO, horizon_days=None,
    )
    assert on_day(r, WED) == []
    assert on_day(r, WED - timedelta(days=2)) == [f"{x:02}:00" for x in range(9, 17)]


def test_start_may_be_given_in_any_zone_but_must_be_exact() -> None:
    r = rules([(h(9), h(10))], now=LONG_AGO, length=60)
    assert r.is_bookable(at(WED, 9).astimezone(TOKYO))
    assert r.is_bookable(datetime(2026, 6, 10, 9, tzinfo=NY))
    assert not r.is_bookable(at(WED, 9) + timedelta(seconds=1))
    offered = r.free_starts(at(WED, 0).astimezone(TOKYO), at(WED, 23).astimezone(TOKYO))
    assert offered == [at(WED, 9)]
    assert offered[0].tzinfo is UTC


def test_naive_datetimes_are_caller_bugs() -> None:
    naive = datetime(2026, 6, 10, 9)
    r = rules([(h(9), h(10))], now=LONG_AGO)
    with pytest.raises(ValueError, match="aware"):
        r.is_bookable(naive)
    with pytest.raises(ValueError, match="aware"):
        r.free_starts(naive, at(WED, 12))
    with pytest.raises(ValueError, match="aware"):
        rules([(h(9), h(10))], now=naive)


def test_empty_range_offers_nothing() -> None:
    r = rules([(h(9), h(12))], now=LONG_AGO)
    assert r.free_starts(at(WED, 12), at(WED, 9)) == []
    assert r.free_starts(at(WED, 10), at(WED, 10)) == []
    assert r.free_starts(at(WED, 10), at(WED, 10, 1)) == [at(WED, 10)]


# --- DST -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        (NY, date(2026, 3, 2), date(2026, 3, 9)),
        (NY, date(2026, 10, 26), date(2026, 11, 2)),
        (LONDON, date(2026, 3, 23), date(2026, 3, 30)),
        (LONDON, date(2026, 10, 19), date(2026, 10, 26)),
        (ADELAIDE, date(2026, 3, 30), date(2026, 4, 6)),
        (ADELAIDE, date(2026, 9, 28), date(2026, 10, 5)),
    ],
)
def test_weekly_hours_keep_their_wall_clock_across_dst(
    zone: ZoneInfo, before: date, after: date
) -> None:
    r = BookingRules(
        weekly={0: [(h(9), h(17))]}, zone=zone, length_minutes=50, grid_minutes=60,
        busy=(), now=at(date(2026, 1, 1), 0, zone=zone), horizon_days=None,
    )
    nine_to_four = [f"{x:02}:00" for x in range(9, 17)]
    assert on_day(r, before, zone) == on_day(r, after, zone) == nine_to_four
    first = [r.free_starts(at(d, 0, zone=zone), at(d, 10, zone=zone))[0] for d in (before, after)]
    assert first[1] - first[0] != timedelta(days=7)  # same wall clock, different UTC


@pytest.mark.parametrize(
    ("zone", "day"), [(NY, date(2026, 3, 8)), (ADELAIDE, date(2026, 10, 4))]
)
def test_spring_forward_gap_times_are_not_offered(zone: ZoneInfo, day: date) -> None:
    r = rules([(h(1), h(4))], zone=zone, now=LONG_AGO, length=50, grid=60)
    assert on_day(r, day, zone) == ["01:00", "03:00"]
    # The window is two real hours, so a 60-minute session fits from 1:30 but not 3:30.
    r = rules([(h(1), h(4))], zone=zone, now=LONG_AGO, length=60, grid=30)
    assert on_day(r, day, zone) == ["01:00", "01:30", "03:00"]


def test_gap_grid_times_mean_the_end_of_the_gap() -> None:
    spring = date(2026, 3, 8)
    r = rules([(h(1), h(4))], now=LONG_AGO, length=15, grid=45)
    assert on_day(r, spring) == ["01:00", "01:45", "03:00", "03:15"]  # 2:30 means 3:00 EDT


def test_slot_starting_in_the_gap_opens_when_the_gap_ends() -> None:
    """Issue 18: New York, 02:30-05:00, 30 minutes on a 15-minute grid, 14 March 2027."""
    spring = date(2027, 3, 14)
    r = rules([(h(2, 30), h(5))], now=LONG_AGO, length=30, grid=15)
    assert on_day(r, spring) == ["03:00", "03:15", "03:30", "03:45", "04:00", "04:15", "04:30"]
    assert r.is_bookable(at(spring, 3))
    assert r.free_starts(at(spring, 0), at(spring, 12))[0] == datetime(2027, 3, 14, 7, tzinfo=UTC)


def test_sydney_slot_starting_in_the_gap() -> None:
    sydney, spring = ZoneInfo("Australia/Sydney"), date(2027, 10, 3)
    r = rules([(h(2, 30), h(4, 15))], zone=sydney, now=LONG_AGO, length=30, grid=15)
    assert on_day(r, spring, sydney) == ["03:00", "03:15", "03:30", "03:45"]


def test_lord_howe_half_hour_gap() -> None:
    lord_howe, spring = ZoneInfo("Australia/Lord_Howe"), date(2027, 10, 3)  # 02:00 -> 02:30
    r = rules([(h(2), h(3))], zone=lord_howe, now=LONG_AGO, length=15, grid=10)
    assert on_day(r, spring, lord_howe) == ["02:30", "02:40"]  # 2:00/2:10/2:20 mean 2:30


def test_empty_busy_interval_hides_nothing() -> None:
    point = at(WED, 10)
    r = rules([(h(9), h(12))], now=LONG_AGO, length=60, grid=30, busy=(Interval(point, point),))
    assert on_day(r, WED) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_fall_back_offers_the_first_occurrence_only_and_counts_real_minutes() -> None:
    fall = date(2026, 11, 1)
    first_one = at(fall, 1, zone=NY, fold=0)
    second_one = at(fall, 1, zone=NY, fold=1)
    assert second_one - first_one == timedelta(hours=1)
    # 1:00-2:00 lasts two real hours today: a 90-minute session fits from the first 1:00.
    r = rules([(h(1), h(2))], now=LONG_AGO, length=90, grid=30)
    assert on_day(r, fall) == ["01:00", "01:30"]
    assert r.free_starts(first_one - timedelta(hours=1), second_one + timedelta(hours=2)) == [
        first_one, first_one + timedelta(minutes=30)
    ]
    short = rules([(h(1), h(2))], now=LONG_AGO, length=30, grid=30)
    assert short.is_bookable(first_one)
    assert not short.is_bookable(second_one)  # would fit, but is not a grid candidate
    assert not short.is_bookable(datetime(2026, 11, 1, 1, tzinfo=NY, fold=1))
    assert short.is_bookable(datetime(2026, 11, 1, 1, tzinfo=NY, fold=0))


def test_london_fall_back_day_has_one_more_real_hour() -> None:
    fall = date(2026, 10, 25)
    r = rules([(0, h(24))], zone=LONDON, now=LONG_AGO, length=60, grid=60)
    offered = r.free_starts(at(fall, 0, zone=LONDON), at(fall + timedelta(days=1), 0, zone=LONDON))
    assert len(offered) == 24  # 25 real hours, but 1:00 is offered once
    assert on_day(r, fall, LONDON) == [f"{x:02}:00" for x in range(24)]


# --- eight weeks -----------------------------------------------------------------------


def test_eight_busy_weeks_are_listed_in_full() -> None:
    """Its speed is a figure in bench/bench_slots.py, not an assertion here."""
    start = date(2026, 2, 23)  # includes the New York spring-forward day
    slots = [(s, s + 90) for s in range(0, 15 * 90, 90)]
    busy = [
        Interval.of_length(at(start, 0) + timedelta(minutes=277 * i), 45) for i in range(300)
    ]
    r = rules(slots, busy=tuple(reversed(busy)), now=at(start - timedelta(days=1), 12), length=50, grid=15)
    offered = r.free_starts(at(start, 0), at(start + timedelta(weeks=8), 0))
    assert len(offered) > 56 * 15
    assert offered == sorted(offered)
    assert not any(b.overlaps(Interval.of_length(t, 50)) for t in offered for b in busy)


# --- properties ------------------------------------------------------------------------

_JUNE = datetime(2026, 6, 15, tzinfo=UTC)
PROPERTY_ZONES = [*DST_ZONES, "Asia/Kolkata", "Asia/Kathmandu", "UTC"]


@st.composite
def day_slots(draw: st.DrawFn, around: int | None = None) -> list[tuple[int, int]]:
    """Non-overlapping slots on a 5-minute lattice; touching slots are allowed. With
    `around` (the minute of day a clock change happens at): one slot that opens within an
    hour of it and closes one to three hours after it, so it often spans a whole gap."""
    if around is not None:
        opens = min(1435, max(0, around + 5 * draw(st.integers(-12, 12))))
        closes = min(1440, max(opens + 5, around + 5 * draw(st.integers(13, 40))))
        return [(opens, closes)]
    edges = sorted(draw(st.lists(st.integers(0, 288), min_size=2, max_size=8)))
    pairs = zip(edges[::2], edges[1::2], strict=False)
    return [(5 * s, 5 * e) for s, e in pairs if s < e]


@dataclass(frozen=True)
class Scenario:
    weekly: dict[int, list[tuple[int, int]]]
    zone: ZoneInfo
    length: int
    grid: int
    busy: list[Interval]
    now: datetime
    horizon: int | None
    notice: int
    lo: datetime
    hi: datetime

    def rules(self) -> BookingRules:
        return BookingRules(
            weekly=self.weekly,
            zone=self.zone,
            length_minutes=self.length,
            grid_minutes=self.grid,
            busy=self.busy,
            now=self.now,
            horizon_days=self.horizon,
            min_notice_minutes=self.notice,
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Around a real clock change of the zone (June for zones without one): "now", the
    range and the change day's slot edges within an hour of it, often on a 5-minute lattice."""
    zone_name = draw(st.sampled_from(PROPERTY_ZONES))
    zone = ZoneInfo(zone_name)
    change = draw(st.sampled_from(transitions(zone_name) or (_JUNE,)))
    near = st.integers(-60, 60) | st.integers(-12, 12).map(lambda k: 5 * k)
    far = st.integers(-3 * 1440, 2 * 1440) | st.integers(-864, 576).map(lambda k: 5 * k)
    now = change + timedelta(minutes=draw(near | far | st.integers(-3 * 1440, -60)))
    lo = change - timedelta(minutes=draw(st.integers(0, 2 * 1440)))
    busy = [
        Interval.of_length(
            change + timedelta(minutes=draw(near | st.integers(-2 * 1440, 3 * 1440))),
            draw(st.integers(0, 600)),
        )
        for _ in range(draw(st.integers(0, 25) | st.just(0)))
    ]
    weekly = {d: draw(day_slots()) for d in EVERY_DAY}
    wall = (change - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None) + timedelta(seconds=1)
    if draw(st.integers(0, 3)):  # mostly: the change day's hours lie around the change
        weekly[wall.date().weekday()] = draw(day_slots(around=wall.hour * 60 + wall.minute))
        if wall.hour == 0 and wall.minute == 0:  # a change at midnight: the evening before too
            weekly[(wall.date() - timedelta(days=1)).weekday()] = draw(day_slots(around=1440))
    return Scenario(
        weekly=weekly,
        zone=zone,
        length=draw(st.sampled_from([15, 30, 50]) | st.integers(5, 60) | st.integers(5, 240)),
        grid=draw(st.sampled_from([5, 10, 15, 30]) | st.integers(5, 60) | st.integers(5, 240)),
        busy=busy,
        now=now,
        horizon=draw(st.none() | st.integers(0, 7)),
        notice=draw(st.sampled_from([0, 30, 45])),
        lo=lo,
        hi=lo + timedelta(minutes=draw(st.integers(0, 4 * 1440)))
        if draw(st.booleans())
        else change + timedelta(minutes=draw(st.integers(0, 2 * 1440))),
    )


def reference_free_starts(sc: Scenario) -> list[datetime]:
    """The spec applied literally and slowly: every grid minute, every busy interval."""
    zone = sc.zone
    today = local_date(sc.now, zone)
    found = []
    day = local_date(sc.lo, zone) - timedelta(days=1)
    while day <= local_date(sc.hi, zone) + timedelta(days=1):
        for s, e in sc.weekly[day.weekday()]:
            opens = gap_end_or_exact(day, s, zone)
            closes = gap_end_or_exact(day, e, zone)
            for m in range(s, e, sc.grid):
                t = gap_end_or_exact(day, m, zone)
                if not sc.lo <= t < sc.hi or local_date(t, zone) != day:
                    continue
                session = Interval.of_length(t, sc.length)
                if (
                    opens <= t
                    and session.end <= closes
                    and not any(session.overlaps(b) for b in sc.busy if b.end > b.start)
                    and t > sc.now
                    and t >= sc.now + timedelta(minutes=sc.notice)
                    and (sc.horizon is None or day <= today + timedelta(days=sc.horizon))
                ):
                    found.append(t)
        day += timedelta(days=1)
    return sorted(set(found))


def gap_end_or_exact(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The wall-clock rule, by brute force: the instant showing that wall time (the first
    when repeated), else the first minute whose clock is past it (the end of the gap)."""
    exact = local_instant(day, minute, zone)
    if exact is not None:
        return exact
    wall = naive_local(day, minute)
    t = (wall - timedelta(hours=15)).replace(tzinfo=UTC)  # no zone is 15 hours ahead
    while to_local(t, zone).replace(tzinfo=None) <= wall:
        t += timedelta(minutes=1)
    return t


@settings(deadline=None, max_examples=500)
@given(scenarios())
def test_listing_matches_the_literal_rules(sc: Scenario) -> None:
    r = sc.rules()
    offered = r.free_starts(sc.lo, sc.hi)
    changes = set(transitions(sc.zone.key))
    event("a start at the end of a gap" if changes & set(offered) else "no start at a change")
    assert offered == sorted(set(offered))  # (e) ascending, no duplicates
    assert offered == reference_free_starts(sc)
    for t in offered:
        assert r.is_bookable(t)  # (a)
        session = Interval.of_length(t, sc.length)
        assert not any(session.overlaps(b) for b in sc.busy if b.end > b.start)  # (b)
        day = to_local(t, sc.zone).date()  # (c) one window, a grid time meaning t
        assert any(
            local_instant_or_later(day, m, sc.zone) == t
            and local_instant_or_later(day, s, sc.zone) <= t
            and session.end <= local_instant_or_later(day, e, sc.zone)
            for s, e in sc.weekly[day.weekday()]
            for m in range(s, e, sc.grid)
        )
        assert t >= sc.now + timedelta(minutes=sc.notice) and t > sc.now  # (f) notice


@settings(deadline=None, max_examples=250)
@given(scenarios())
def test_booking_agrees_with_listing_at_every_minute(sc: Scenario) -> None:
    r = sc.rules()
    offered = set(r.free_starts(sc.lo, sc.hi))
    minute = timedelta(minutes=1)
    t = sc.lo.replace(second=0, microsecond=0)
    while t < sc.hi:  # (d)
        assert r.is_bookable(t) == (t in offered and sc.lo <= t), t
        t += minute
