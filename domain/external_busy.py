"""Busy times from the therapist's Outlook calendar: which appointments block booking slots.

Couchtime reads the calendar with Graph's calendarView delta query (one full read of a window,
then only the changes) and keeps only busy intervals — event ID, start, end, show-as — never a
subject, attendee, location or body. What blocks a slot:

- "busy" and "out of office" always; "tentative" when the therapist chooses (default: yes,
  an unanswered invitation is more often real than not); "free" and "working elsewhere" never;
- never Couchtime's own events (the sessions it copied to Outlook): recognised by the
  extended property it writes, or by the event ID it stored when it created the event;
- all-day events block their whole dates on the therapist's wall clock.

When Graph is down the last known intervals stay in force, and `synced_at` says how old they
are (`stale` after `STALE_AFTER`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.intervals import Interval
from domain.wallclock import local_instant_or_later, zone_or_none

INTERVAL = timedelta(minutes=10)  # how often each connected calendar is read
STALE_AFTER = timedelta(minutes=30)  # three missed reads: the app says the times may be old
BEHIND = timedelta(days=1)  # the window read: from a day back…
AHEAD = timedelta(days=366)  # …to a year ahead (the booking window can not reach further)
RESTART = timedelta(days=7)  # then a fresh full read, so the window keeps moving forward


class ShowAs(StrEnum):
    BUSY = "BUSY"
    TENTATIVE = "TENTATIVE"
    OUT_OF_OFFICE = "OUT_OF_OFFICE"


_GRAPH_SHOW_AS = {"busy": ShowAs.BUSY, "tentative": ShowAs.TENTATIVE, "oof": ShowAs.OUT_OF_OFFICE}


@dataclass(frozen=True, slots=True)
class BusyInterval:
    event_id: str  # Graph's ID: how a later change or deletion finds it; never shown
    start: datetime
    end: datetime
    show_as: ShowAs

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    def blocks(self, tentative_blocks: bool) -> bool:
        return self.show_as is not ShowAs.TENTATIVE or tentative_blocks


def blocking(intervals: Iterable[BusyInterval], tentative_blocks: bool) -> list[Interval]:
    return [b.interval for b in intervals if b.blocks(tentative_blocks)]


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One event of a delta page, as the gateway read it (no subject, no attendees)."""

    event_id: str
    start: datetime | None = None  # aware; for all-day events the UTC midnight Graph sends
    end: datetime | None = None
    show_as: str | None = None  # Graph's freeBusyStatus: free, tentative, busy, oof, …
    all_day: bool = False
    cancelled: bool = False
    removed: bool = False  # "@removed": deleted, or moved out of the window
    ours: bool = False  # carries Couchtime's session property


@dataclass(frozen=True, slots=True)
class Change:
    event_id: str
    busy: BusyInterval | None  # None: forget this event (removed, freed, cancelled, ours)


def change_of(item: CalendarItem, time_zone: str) -> Change:
    """What one delta item does to the stored intervals."""
    show_as = _GRAPH_SHOW_AS.get((item.show_as or "").lower())
    if item.removed or item.cancelled or item.ours or show_as is None or not item.start or not item.end:
        return Change(item.event_id, None)
    start, end = item.start, item.end
    zone = zone_or_none(time_zone)
    if item.all_day and zone is not None:  # its dates, midnight to midnight on the therapist's clock
        start = local_instant_or_later(_date_of(item.start), 0, zone)
        end = local_instant_or_later(_date_of(item.end), 0, zone)
    if end <= start:
        return Change(item.event_id, None)
    return Change(item.event_id, BusyInterval(item.event_id, start, end, show_as))


def _date_of(instant: datetime) -> date:
    """Graph sends an all-day event's dates as midnights (in UTC unless asked otherwise)."""
    return instant.replace(tzinfo=None).date()


@dataclass(slots=True)
class BusySync:
    """Where the reading of one therapist's calendar stands."""

    therapist_id: UUID
    tentative_blocks: bool = True
    delta_link: str | None = None  # Graph's link to the next round of changes
    window_start: datetime | None = None
    window_end: datetime | None = None
    synced_at: datetime | None = None  # the last successful read
    attempted_at: datetime | None = None
    last_error: str | None = None

    def needs_full_read(self, now: datetime) -> bool:
        return (self.delta_link is None or self.window_start is None
                or self.window_start < now - BEHIND - RESTART)

    def stale(self, now: datetime) -> bool:
        return self.synced_at is None or now - self.synced_at > STALE_AFTER


def window(now: datetime) -> tuple[datetime, datetime]:
    return now - BEHIND, now + AHEAD


@dataclass(frozen=True, slots=True)
class DeltaPage:
    items: Sequence[CalendarItem]
    delta_link: str
