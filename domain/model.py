"""The entities the use cases change. Plain dataclasses; persistence maps them to rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.errors import ErrorCode, RuleViolation
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
    # booking rules (domain/booking.py): buffers shape free slots only; None = the default
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int | None = None  # None: 30 minutes (MIN_NOTICE_MINUTES)
    max_per_day: int | None = None  # sessions of this type per local date; None: no cap
    booking_window_days: int | None = None  # how far ahead; None: the therapist's horizon only
    name_in_emails: bool = False  # a title like "Couples intake" reveals care: off by default

    def visit_for(self, requested: SessionVisit | None) -> SessionVisit:
        """The visit of a session of this type: the requested one if allowed, the only one if
        omitted; raises when the choice is missing or not allowed."""
        if requested is None:
            only = self.visit_type.only_visit
            if only is None:
                raise RuleViolation.one(
                    ("visitType",), ErrorCode.REQUIRED,
                    "Choose telehealth or in person for this event type.",
                )
            return only
        if not self.visit_type.allows(requested):
            raise RuleViolation.one(
                ("visitType",), ErrorCode.VISIT_TYPE_NOT_ALLOWED,
                "This event type does not allow that visit type.",
            )
        return requested


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

    @classmethod
    def new(
        cls, *, therapist_id: UUID, client_id: UUID, event_type: EventType, start: datetime,
        visit: SessionVisit, meeting_url: str, source: SessionSource, created_at: datetime,
        client_time_zone: str | None, minutes: int | None = None, priced: bool = True,
        series_id: UUID | None = None, occurrence_date: date | None = None,
    ) -> Session:
        """A scheduled session of `event_type` with a fresh id: as long as the event type (or
        `minutes`, a series' own length) and, when `priced`, charged the event type's price.
        A public booking is not priced: its fee is the therapist's to set."""
        return cls(
            id=uuid.uuid4(), therapist_id=therapist_id, client_id=client_id,
            event_type_id=event_type.id, start=start,
            end=start + timedelta(minutes=event_type.minutes if minutes is None else minutes),
            visit=visit, meeting_url=meeting_url, status=SessionStatus.SCHEDULED, source=source,
            created_at=created_at, client_time_zone=client_time_zone,
            fee_cents=event_type.price_cents if priced else None,
            fee_currency=event_type.currency if priced else None,
            series_id=series_id, occurrence_date=occurrence_date,
        )

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    @property
    def cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)

    @property
    def live_interval(self) -> Interval | None:
        """The time it occupies: none once cancelled."""
        return None if self.cancelled else self.interval

    def cancel(self, reason: str | None = None, *, notify_client: bool = False,
               by: CancelledBy = CancelledBy.THERAPIST, at: datetime | None = None) -> None:
        """Cancelled sessions keep their time on record but block nothing; who cancelled and
        when stay with it (the therapist's screens show them)."""
        if self.cancelled:
            raise RuleViolation.one(("sessionId",), ErrorCode.SESSION_CANCELLED, "Already cancelled.")
        self.status = SessionStatus.CANCELLED
        self.cancel_reason = (reason or "").strip() or None
        self.notify_client = notify_client
        self.cancelled_by, self.cancelled_at = by, at

    @property
    def client_knows_cancelled(self) -> bool:
        """Whether the client knows of its cancellation: they were told, or did it themselves."""
        return self.cancelled and (self.notify_client or self.cancelled_by is CancelledBy.CLIENT)

    def uncancel(self) -> None:
        """Back to scheduled, as if never cancelled (reason and notice go)."""
        if not self.cancelled:
            raise RuleViolation.one(("sessionId",), ErrorCode.NOT_CANCELLED, "It is not cancelled.")
        self.status = SessionStatus.SCHEDULED
        self.cancel_reason, self.notify_client = None, False
        self.cancelled_by = self.cancelled_at = None

    def check_movable(self) -> None:
        if self.cancelled:
            raise RuleViolation.one(
                ("sessionId",), ErrorCode.SESSION_CANCELLED,
                "A cancelled session does not move. Uncancel it first.",
            )

    def move(self, start: datetime, end: datetime) -> None:
        """To a new time; a cancelled session does not move."""
        self.check_movable()
        self.start, self.end = start, end

    def fit_to(self, event_type: EventType, start: datetime | None = None) -> None:
        """Starts at `start` (default: where it is) and lasts as long as `event_type`."""
        start = start or self.start
        self.start, self.end = start, start + timedelta(minutes=event_type.minutes)

    def change_event_type(self, old: EventType | None, new: EventType) -> None:
        """A fee that was the old type's price follows the new type's; a fee set by hand stays."""
        if old is not None and self.fee_cents == old.price_cents:
            self.fee_cents, self.fee_currency = new.price_cents, new.currency
        self.event_type_id = new.id

    def change_visit(self, event_type: EventType, requested: SessionVisit | None) -> None:
        """The requested visit (default: the current one), if its event type allows it."""
        self.visit = event_type.visit_for(requested or self.visit)

    def switch_visit(self, requested: SessionVisit, office_address: object | None) -> None:
        """The therapist switches any session's visit at any time, whatever its event type
        allows (the guide); in person needs an office address to give the client."""
        if requested is SessionVisit.IN_PERSON and office_address is None:
            raise RuleViolation.one(("visitType",), ErrorCode.OFFICE_ADDRESS_MISSING,
                                    "Add your office address to your profile first.")
        self.visit = requested

    def set_fee(self, cents: int | None, currency: str | None) -> None:
        """A fee set by hand (None: no fee)."""
        self.fee_cents, self.fee_currency = cents, (currency if cents is not None else None)

    def join_series(self, series_id: UUID, occurrence_date: date) -> None:
        """The first occurrence of a series started from it, keyed by its local date."""
        self.series_id, self.occurrence_date = series_id, occurrence_date
        self.source = SessionSource.SERIES


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
