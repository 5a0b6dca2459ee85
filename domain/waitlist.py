"""The waitlist's rules (pure): who is next for a freed start, how long a hold lasts, when an
entry lapses, which state changes an entry and a hold may make, and the links' tokens.

An entry waits for one event type over a range of the therapist's local dates (inclusive). When
a start in that range is free, the earliest-created WAITING entry covering its local date gets a
hold on it: a real reservation for 15 minutes (a busy fact of `domain.booking.slot_rules`, kind
HOLD, so nobody else can book it), offered by email. Claimed, the hold becomes a booking and the
entry BOOKED; unclaimed, the hold EXPIRES, the entry waits again (never offered that start
again) and the start passes to the next entry. An entry lapses once its last local date has
passed in the therapist's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import notifications
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import DomainEvent, IntakeResolved, SessionChanged, TimeOffChanged
from domain.intervals import Interval
from domain.job_names import WAITLIST_OFFER_JOB
from domain.model import SessionVisit
from domain.wallclock import local_date

HOLD_MINUTES = 15
KEEP_ENDED_DAYS = 30  # an ended entry (booked, left, removed, lapsed) is deleted after this
MAX_RANGE_DAYS = 62  # a waitlist range covers at most this many local dates
MAX_WAITING_PER_THERAPIST = 200  # open (WAITING/OFFERED) entries at once: me.waitlist lists them all
HOLD_PURPOSE = "waitlist-hold"  # token subject: the hold
LEAVE_PURPOSE = "waitlist-leave"  # token subject: the entry


class EntryStatus(StrEnum):
    WAITING = "WAITING"
    OFFERED = "OFFERED"  # holds one ACTIVE hold
    BOOKED = "BOOKED"
    LEFT = "LEFT"  # the client left with the email's link
    REMOVED = "REMOVED"  # the therapist removed it
    LAPSED = "LAPSED"  # its range ended

    @property
    def open(self) -> bool:
        return self in (EntryStatus.WAITING, EntryStatus.OFFERED)


class HoldStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CLAIMED = "CLAIMED"
    EXPIRED = "EXPIRED"
    RELEASED = "RELEASED"  # the entry left or was removed while it held the start


# the moves an entry may make; anything else is a bug in a use case
_ENTRY_MOVES = {
    EntryStatus.WAITING: {EntryStatus.OFFERED, EntryStatus.LEFT, EntryStatus.REMOVED, EntryStatus.LAPSED},
    EntryStatus.OFFERED: {EntryStatus.WAITING, EntryStatus.BOOKED, EntryStatus.LEFT, EntryStatus.REMOVED,
                          EntryStatus.LAPSED},
}
_HOLD_MOVES = {HoldStatus.ACTIVE: {HoldStatus.CLAIMED, HoldStatus.EXPIRED, HoldStatus.RELEASED}}


@dataclass(frozen=True, slots=True)
class WaitlistEntry:
    id: UUID
    therapist_id: UUID
    event_type_id: UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    time_zone: str
    first_date: date  # the therapist's local dates, inclusive
    last_date: date
    created_at: datetime
    status: EntryStatus = EntryStatus.WAITING
    ended_at: datetime | None = None
    visit: SessionVisit | None = None  # as asked at join (event types offering both need it)

    def covers(self, day: date) -> bool:
        return self.first_date <= day <= self.last_date

    def move(self, to: EntryStatus, at: datetime) -> WaitlistEntry:
        if to not in _ENTRY_MOVES.get(self.status, set()):
            raise ValueError(f"a waitlist entry cannot go from {self.status} to {to}")
        return replace(self, status=to, ended_at=None if to.open else at)


@dataclass(frozen=True, slots=True)
class SlotHold:
    id: UUID
    entry_id: UUID
    therapist_id: UUID
    event_type_id: UUID
    start: datetime
    end: datetime
    created_at: datetime
    expires_at: datetime
    status: HoldStatus = HoldStatus.ACTIVE
    session_id: UUID | None = None  # the booking a claim made

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def move(self, to: HoldStatus, session_id: UUID | None = None) -> SlotHold:
        if to not in _HOLD_MOVES.get(self.status, set()):
            raise ValueError(f"a hold cannot go from {self.status} to {to}")
        return replace(self, status=to, session_id=session_id or self.session_id)


def hold_expiry(created: datetime) -> datetime:
    return created + timedelta(minutes=HOLD_MINUTES)


def today_of(zone: str, now: datetime) -> date:
    return local_date(now, ZoneInfo(zone))


def lapsed(entry: WaitlistEntry, therapist_zone: str, now: datetime) -> bool:
    """True once the entry's last local date has passed in the therapist's zone."""
    return entry.status.open and today_of(therapist_zone, now) > entry.last_date


def range_errors(first: date, last: date, therapist_zone: str, now: datetime) -> list[UserError]:
    """A join's dates: in order, at most 62 dates, the last not yet passed (the therapist's zone)."""
    if last < first:
        return [UserError(("lastDate",), ErrorCode.INVALID_RANGE,
                          "`lastDate` must not be before `firstDate`.")]
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        return [UserError(("lastDate",), ErrorCode.RANGE_TOO_LONG,
                          f"A waitlist range spans at most {MAX_RANGE_DAYS} days.")]
    if last < today_of(therapist_zone, now):
        return [UserError(("lastDate",), ErrorCode.OUT_OF_RANGE, "Choose dates that have not passed.")]
    return []


def next_entry(entries: Iterable[WaitlistEntry], event_type_id: UUID, day: date,
               offered: Iterable[tuple[UUID, datetime]] = (), start: datetime | None = None
               ) -> WaitlistEntry | None:
    """Who is offered a free start of `event_type_id` on local date `day`: the earliest-created
    WAITING entry of that event type whose range covers the date and that was not offered this
    start before (`offered`: (entry ID, start) of past holds). Ties on creation: the smaller ID."""
    before = set(offered)
    fitting = [e for e in entries if e.status is EntryStatus.WAITING and e.event_type_id == event_type_id
               and e.covers(day) and (start is None or (e.id, start) not in before)]
    return min(fitting, key=lambda e: (e.created_at, e.id), default=None)


def search_span(entries: Sequence[WaitlistEntry], therapist_zone: str, now: datetime
                ) -> tuple[datetime, datetime] | None:
    """The instants whose starts may matter to these entries: from now (a start in the past is
    never free) to the end of the latest last date (one day of slack covers any offset)."""
    if not entries:
        return None
    zone = ZoneInfo(therapist_zone)
    first = min(e.first_date for e in entries)
    last = max(e.last_date for e in entries)
    start = max(now, datetime.combine(first, datetime.min.time(), zone) - timedelta(days=1))
    end = datetime.combine(last, datetime.min.time(), zone) + timedelta(days=2)
    return (start, end) if end > start else None


# --- when to look for offers: the outbox rule (domain/jobs.py) ------------------------------

_FREEING = ("CANCELLED", "MOVED", "DELETED")  # a session's time became free


def jobs_for_event(event: DomainEvent) -> Iterable[tuple[str, dict]]:
    """A cancelled, moved or deleted session, a rejected intake, a change of time off (removed or
    shortened: the job finds out): look for starts to offer. IDs only."""
    if (isinstance(event, SessionChanged) and event.kind in _FREEING
            or isinstance(event, IntakeResolved) and event.action == "REJECTED"
            or isinstance(event, TimeOffChanged)):
        yield WAITLIST_OFFER_JOB, {"therapist_id": str(event.therapist_id)}


# --- the links: signed tokens, nothing else in the URL ---------------------------------------


def claim_token(key: bytes, hold_id: UUID) -> str:
    return notifications.sign(key, HOLD_PURPOSE, hold_id)


def leave_token(key: bytes, entry_id: UUID) -> str:
    return notifications.sign(key, LEAVE_PURPOSE, entry_id)


def invalid_link() -> RuleViolation:
    return RuleViolation.one(("token",), ErrorCode.INVALID_WAITLIST_LINK,
                             "This link is not valid. Use the newest waitlist email.")


def hold_of(key: bytes, token: str) -> UUID:
    found = notifications.verify(key, HOLD_PURPOSE, token)
    if found is None:
        raise invalid_link()
    return found


def entry_of(key: bytes, token: str) -> UUID:
    found = notifications.verify(key, LEAVE_PURPOSE, token)
    if found is None:
        raise invalid_link()
    return found
