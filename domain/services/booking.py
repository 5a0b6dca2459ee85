"""The public booking: re-check the slot, create an intake client and a session, atomically.

Race safety: the therapist's row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite
runs one writer at a time), so concurrent bookings for one therapist queue up and each
re-checks the slot against what the previous one committed.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain import booking, text, tokens
from domain.accounts import canonical_time_zone, normalize_email, normalize_username
from domain.clients import client_zone, contact_errors
from domain.errors import ErrorCode, RateLimited, RuleViolation, UserError
from domain.events import BookingReceived, SessionChanged
from domain.model import (
    Client,
    ClientStatus,
    EventType,
    Session,
    SessionSource,
    SessionVisit,
    Therapist,
)
from domain.ports.outside_world import Clock, RateLimiter, VideoRooms
from domain.ports.unit_of_work import UnitOfWork

MAX_IDEMPOTENCY_KEY = 200


@dataclass(frozen=True)
class BookingRequest:
    username: str
    event_type_id: UUID | None  # None: the ID given was not an event type ID at all
    start: datetime
    visit: SessionVisit | None
    first_name: str
    last_name: str
    email: str
    phone: str | None
    time_zone: str
    idempotency_key: str


@dataclass(frozen=True)
class Confirmation:
    session: Session
    therapist: Therapist
    event_type: EventType
    client_time_zone: str


@dataclass(frozen=True)
class BookingLimits:
    per_address: int
    window_seconds: int


class BookerDetails(Protocol):
    """What a public request from the booking page says about who asks."""

    username: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    time_zone: str


def booker_errors(c: BookerDetails) -> list[UserError]:
    """The booking page's rules for who asks (bookSession, joinWaitlist): the client's contact
    details, their IANA zone, the page's username."""
    errors = contact_errors(
        first_name=c.first_name, last_name=c.last_name, email=c.email, phone=c.phone,
        time_zone=None, prefix=("client",),
    )
    if canonical_time_zone(c.time_zone) is None:
        errors.append(
            UserError(("timeZone",), ErrorCode.INVALID_TIME_ZONE, "Use an IANA time zone.")
        )
    return errors + text.character_errors(c.username, ("username",))


def _input_errors(req: BookingRequest) -> list[UserError]:
    errors = booker_errors(req)
    errors += text.character_errors(req.idempotency_key, ("idempotencyKey",))
    if not 1 <= len(req.idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        errors.append(
            UserError(("idempotencyKey",), ErrorCode.INVALID, "Use 1 to 200 characters.")
        )
    if req.start.tzinfo is None:
        errors.append(UserError(("start",), ErrorCode.INVALID, "Give the start with a UTC offset."))
    return errors


def _key_hash(username: str, key: str) -> str:
    return hashlib.sha256(f"{username}\x1f{key}".encode()).hexdigest()


def details_hash(req: BookingRequest) -> str:
    """What a replay must repeat to get the first booking's confirmation back: every detail of
    the request (the key alone would hand another booker's start and meeting link to anyone
    who learned or guessed the key)."""
    parts = (
        str(req.event_type_id), req.start.astimezone(UTC).isoformat(), req.visit.value if req.visit else "",
        req.first_name.strip(), req.last_name.strip(), normalize_email(req.email),
        (req.phone or "").strip(), req.time_zone,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _key_reused() -> RuleViolation:
    return RuleViolation.one(
        ("idempotencyKey",), ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "This idempotency key was used for another booking. Use a new key for each booking.",
    )


async def _existing(
    uow: UnitOfWork, key_hash: str, details: str, therapist: Therapist
) -> Confirmation | None:
    found = await uow.booking_requests.session_for(key_hash)
    if found is None:
        return None
    session_id, stored_details = found
    if stored_details != details:  # other details (or a key stored before details were kept)
        raise _key_reused()
    session = await uow.sessions.get(session_id)
    if session is None:  # the booking was rejected since; the key is spent
        raise RuleViolation.one(
            ("idempotencyKey",), ErrorCode.INVALID, "This booking request was already handled."
        )
    event_type = await uow.event_types.get(session.event_type_id, include_deleted=True)
    assert event_type is not None
    zone = client_zone(session.client_time_zone, None, therapist.time_zone)
    return Confirmation(session, therapist, event_type, zone)


async def book(
    uow: UnitOfWork, clock: Clock, rooms: VideoRooms, limiter: RateLimiter,
    req: BookingRequest, *, client_address: str, limits: BookingLimits,
) -> Confirmation:
    retry_after = await limiter.hit(
        tokens.rate_key("book", client_address), limits.per_address, limits.window_seconds
    )
    if retry_after is not None:
        raise RateLimited(retry_after)
    errors = _input_errors(req)
    if errors:
        raise RuleViolation(errors)
    username = normalize_username(req.username)
    booker = Booker.of(req)
    key_hash = _key_hash(username, req.idempotency_key)
    async with uow:
        therapist = await uow.therapists.by_username(username, for_update=True)
        if therapist is None:
            raise RuleViolation.one(("username",), ErrorCode.NOT_FOUND, "No such booking page.")
        details = details_hash(req)
        existing = await _existing(uow, key_hash, details, therapist)
        if existing is not None:
            return existing
        event_type = await uow.event_types.get(req.event_type_id) if req.event_type_id else None
        if event_type is None or event_type.therapist_id != therapist.id:
            raise RuleViolation.one(("eventTypeId",), ErrorCode.NOT_FOUND, "No such event type.")
        facts = await start_facts(uow, therapist, event_type, req.start)
        session = await place(uow, clock, rooms, facts, req.start, event_type.visit_for(req.visit), booker)
        await uow.booking_requests.add(key_hash, session.id, clock.now(), details)
        await uow.commit()
    return Confirmation(session, therapist, event_type, booker.time_zone)


@dataclass(frozen=True)
class Booker:
    """Who books or waits, tidied as the practice stores a client: names trimmed, the email
    normalized, no empty phone, the zone's canonical name."""

    first_name: str
    last_name: str
    email: str
    phone: str | None
    time_zone: str

    @classmethod
    def of(cls, asked: BookerDetails) -> Booker:
        """The details as typed on the booking page (already passed `booker_errors`), tidied."""
        return cls(
            first_name=asked.first_name.strip(), last_name=asked.last_name.strip(),
            email=normalize_email(asked.email), phone=(asked.phone or "").strip() or None,
            time_zone=canonical_time_zone(asked.time_zone) or asked.time_zone,
        )


async def start_facts(uow: UnitOfWork, therapist: Therapist, event_type: EventType,
                      start: datetime, last_start: datetime | None = None) -> booking.SlotFacts:
    """The slot facts that decide the starts from `start` to `last_start` (default: that one
    start; `facts_window`), read in the unit of work."""
    window = booking.facts_window(event_type, start, last_start or start)
    return booking.SlotFacts(
        therapist=therapist, event_type=event_type,
        weekly=await uow.availability.week(therapist.id),
        busy=await uow.sessions.busy(therapist.id, window.start, window.end),
        active_series=await uow.series.active_of(therapist.id), window=window,
        overrides=await uow.availability.overrides(
            therapist.id, window.start.date() - timedelta(days=1), window.end.date() + timedelta(days=1)),
    )


async def place(uow: UnitOfWork, clock: Clock, rooms: VideoRooms, facts: booking.SlotFacts,
                start: datetime, visit: SessionVisit, who: Booker) -> Session:
    """The booking itself, inside the caller's unit of work with the therapist's row locked:
    re-check the start with the listing's slot function, add the intake client and the
    session, record `BookingReceived` and `SessionChanged` (bookSession and a waitlist claim)."""
    therapist, event_type = facts.therapist, facts.event_type
    session = Session.new(
        therapist_id=therapist.id, client_id=uuid.uuid4(), event_type=event_type, start=start,
        visit=visit, meeting_url=rooms.new_room_url(), source=SessionSource.BOOKING,
        created_at=clock.now(), client_time_zone=who.time_zone, priced=False,
    )
    if not booking.slot_rules(facts, clock.now()).is_bookable(start):
        raise RuleViolation.one(
            ("start",), ErrorCode.SLOT_UNAVAILABLE, "This time is not available. Pick another."
        )
    client = Client(
        id=session.client_id, therapist_id=therapist.id, first_name=who.first_name,
        last_name=who.last_name, email=who.email, phone=who.phone, time_zone=who.time_zone,
        status=ClientStatus.INTAKE, created_at=clock.now(),
    )
    await uow.clients.add(client)
    await uow.sessions.add(session)
    uow.record(
        BookingReceived(therapist.id, session.id, client.id, event_type.id, session.start, session.end)
    )
    # Live calendars hear of the new session like any other. No ConflictsChanged: a booked
    # start overlaps no scheduled session (checked above, in this transaction).
    uow.record(SessionChanged(therapist.id, session.id, "CREATED", None, (session.start, session.end)))
    return session
