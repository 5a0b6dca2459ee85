"""The entities the use cases change. Plain dataclasses; persistence maps them to rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from domain.intervals import Interval
from domain.money import ClaimStatus


class VisitType(StrEnum):
    TELEHEALTH_AND_IN_PERSON = "TELEHEALTH_AND_IN_PERSON"
    TELEHEALTH_ONLY = "TELEHEALTH_ONLY"
    IN_PERSON_ONLY = "IN_PERSON_ONLY"

    @property
    def allows_in_person(self) -> bool:
        return self is not VisitType.TELEHEALTH_ONLY


    def allows(self, visit: SessionVisit) -> bool:
        if self is VisitType.TELEHEALTH_AND_IN_PERSON:
            return True
        return visit is (
            SessionVisit.TELEHEALTH if self is VisitType.TELEHEALTH_ONLY else SessionVisit.IN_PERSON
        )

    @property
    def only_visit(self) -> SessionVisit | None:
        """The one visit an event type allows, or None when the client may choose."""
        return {
            VisitType.TELEHEALTH_ONLY: SessionVisit.TELEHEALTH,
            VisitType.IN_PERSON_ONLY: SessionVisit.IN_PERSON,
        }.get(self)


class SessionVisit(StrEnum):
    """Where one session takes place."""

    TELEHEALTH = "TELEHEALTH"
    IN_PERSON = "IN_PERSON"


class CalendarView(StrEnum):
    MONTH = "MONTH"
    WEEK = "WEEK"


@dataclass(frozen=True, slots=True)
class OfficeAddress:
    street: str
    city: str
    state: str
    zip: str


@dataclass(slots=True)
class Therapist:
    id: UUID
    email: str
    password_hash: str
    display_name: str
    username: str
    time_zone: str
    office_address: OfficeAddress | None
    calendar_view: CalendarView
    created_at: datetime
    booking_horizon_days: int | None = None
    locale: str = "en_US"  # how emails word dates and times (domain/wording.py)


@dataclass(frozen=True, slots=True)
class TimeSlot:
    """A local wall-clock slot on one weekday, minutes after midnight; end may be 1440."""

    start_minute: int
    end_minute: int


@dataclass(slots=True)
class EventType:
    id: UUID
    therapist_id: UUID
    title: str
    minutes: int
    visit_type: VisitType
    description: str | None
    created_at: datetime
    slot_interval_minutes: int | None = None  # None = the length rounded up to 15 minutes
    deleted: bool = False
    price_cents: int | None = None
    currency: str | None = None
    name_in_emails: bool = False  # a title like "Couples intake" reveals care: off by default


class ClientStatus(StrEnum):
    INTAKE = "INTAKE"  # booked from the public page, waiting in "New bookings"
    ACTIVE = "ACTIVE"


@dataclass(slots=True)
class Client:
    id: UUID
    therapist_id: UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    time_zone: str | None
    status: ClientStatus
    created_at: datetime


class SessionStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"


class CancelledBy(StrEnum):
    THERAPIST = "THERAPIST"
    CLIENT = "CLIENT"


class SessionSource(StrEnum):
    BOOKING = "BOOKING"
    MANUAL = "MANUAL"
    SERIES = "SERIES"


@dataclass(slots=True)
class Session:
    id: UUID
    therapist_id: UUID
    client_id: UUID
    event_type_id: UUID
    start: datetime
    end: datetime
    visit: SessionVisit
    meeting_url: str
    status: SessionStatus
    source: SessionSource
    created_at: datetime
    client_time_zone: str | None = None
    cancel_reason: str | None = None
    notify_client: bool = False
    fee_cents: int | None = None
    fee_currency: str | None = None
    claim_status: ClaimStatus = ClaimStatus.NONE
    series_id: UUID | None = None
    occurrence_date: date | None = None  # the series' original local date: its key
    cancelled_by: CancelledBy | None = None
    cancelled_at: datetime | None = None

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    @property
    def cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)


class Repeats(StrEnum):
    NONE = "NONE"
    WEEKLY = "WEEKLY"
    EVERY_2_WEEKS = "EVERY_2_WEEKS"
    EVERY_3_WEEKS = "EVERY_3_WEEKS"
    EVERY_4_WEEKS = "EVERY_4_WEEKS"

    @property
    def every_weeks(self) -> int:
        return {"WEEKLY": 1, "EVERY_2_WEEKS": 2, "EVERY_3_WEEKS": 3, "EVERY_4_WEEKS": 4}.get(self.value, 0)

    @classmethod
    def of_weeks(cls, weeks: int) -> Repeats:
        return next(r for r in cls if r.every_weeks == weeks)


@dataclass(slots=True)
class Series:
    """A standing session: every `every_weeks` weeks at a wall-clock time in the therapist's
    zone, from `anchor_date` on, with no end date until stopped. Occurrences are real sessions
    up to `materialised_until` (a local date); later ones are computed from the rule."""

    id: UUID
    therapist_id: UUID
    client_id: UUID
    event_type_id: UUID
    anchor_date: date
    start_minute: int
    length_minutes: int
    every_weeks: int
    visit: SessionVisit
    active: bool
    materialised_until: date
    created_at: datetime
    ended_at: datetime | None = None

    @property
    def repeats(self) -> Repeats:
        return Repeats.of_weeks(self.every_weeks)


@dataclass(frozen=True, slots=True)
class SeriesSpan:
    """What the booking page needs of an active series: its rule and how far it exists."""

    anchor_date: date
    start_minute: int
    length_minutes: int
    every_weeks: int
    materialised_until: date
    active: bool = True


@dataclass(frozen=True, slots=True)
class Payment:
    id: UUID
    session_id: UUID
    amount_cents: int
    currency: str
    method: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the calendar shows about a session's paperwork, without loading the PHI."""

    has_note: bool
    paid_cents: int
    payment_count: int


@dataclass(slots=True)
class TimeOff:
    """Entered in local dates/times; `interval` holds the instants in the therapist's zone."""

    id: UUID
    therapist_id: UUID
    start_date: date
    end_date: date
    all_day: bool
    start_minute: int | None
    end_minute: int | None
    reason: str | None
    interval: Interval
    created_at: datetime
