"""Which Outlook appointments block slots, and what an all-day one means on the wall clock
(DST included)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from domain.external_busy import BusyInterval, CalendarItem, ShowAs, blocking, change_of
from tests.support.dst import DST_ZONES, change_days

T = datetime(2026, 3, 10, 14, tzinfo=UTC)


def item(show_as="busy", **kw) -> CalendarItem:
    return CalendarItem("e1", kw.pop("start", T), kw.pop("end", T + timedelta(hours=1)), show_as, **kw)


def test_busy_away_and_tentative_are_kept_free_and_elsewhere_are_not():
    assert change_of(item("busy"), "UTC").busy.show_as is ShowAs.BUSY
    assert change_of(item("oof"), "UTC").busy.show_as is ShowAs.OUT_OF_OFFICE
    assert change_of(item("tentative"), "UTC").busy.show_as is ShowAs.TENTATIVE
    for show_as in ("free", "workingElsewhere", "unknown", None):
        assert change_of(item(show_as), "UTC").busy is None


def test_removed_cancelled_ours_and_empty_events_are_forgotten():
    assert change_of(item(removed=True), "UTC").busy is None
    assert change_of(item(cancelled=True), "UTC").busy is None
    assert change_of(item(ours=True), "UTC").busy is None
    assert change_of(item(end=T), "UTC").busy is None


def test_tentative_blocks_only_when_chosen():
    busy = BusyInterval("a", T, T + timedelta(hours=1), ShowAs.BUSY)
    tentative = BusyInterval("b", T + timedelta(hours=2), T + timedelta(hours=3), ShowAs.TENTATIVE)
    assert blocking([busy, tentative], True) == [busy.interval, tentative.interval]
    assert blocking([busy, tentative], False) == [busy.interval]


@given(st.data(), st.sampled_from(DST_ZONES), st.integers(min_value=1, max_value=3))
def test_an_all_day_event_blocks_its_dates_midnight_to_midnight_on_the_therapists_clock(data, zone_name, days):
    """Graph sends all-day dates as UTC midnights; they mean the therapist's local dates, whatever
    the DST change inside them (a 23- or 25-hour day is blocked whole)."""
    near_change = st.sampled_from([d - timedelta(days=k) for d in change_days(zone_name) for k in range(days)])
    day = data.draw(st.one_of(near_change, st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 30))))
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    busy = change_of(item(start=start, end=start + timedelta(days=days), all_day=True), zone_name).busy
    zone = ZoneInfo(zone_name)
    assert busy is not None
    first, last = busy.start.astimezone(zone), busy.end.astimezone(zone)
    assert first.date() == day and last.date() == day + timedelta(days=days)
    assert (first.hour, first.minute) <= (1, 0) and (last.hour, last.minute) <= (1, 0)  # midnight, or just after a gap
    before = busy.start - timedelta(seconds=1)
    assert before.astimezone(zone).date() < day  # nothing of the day before is blocked
