"""Use cases of the calendar: schedule by hand, edit, drag, cancel, and the paperwork.

Manual sessions may overlap others: that is allowed and reported as conflicts, never refused.
Every change records `SessionChanged` and, when overlaps appear or clear, `ConflictsChanged`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import money
from domain import text as text_rule
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import AccountChanged, SessionRestored, SessionWorkedOn
from domain.model import (
    CalendarView,
    CancelledBy,
    ClientStatus,
    EventType,
    Payment,
    Repeats,
    Session,
    SessionFacts,
    SessionSource,
    SessionVisit,
)
from domain.money import ClaimStatus
from domain.ports.outside_world import Clock, VideoRooms
from domain.ports.unit_of_work import UnitOfWork
from domain.reschedule import Landing, landing
from domain.services import series as series_service
from domain.services.session_events import SessionResult, conflict_change, record_change
from domain.worked_on import Work

MAX_NOTE = 20_000
MAX_REASON = 500


@dataclass(frozen=True)
class SetCalendarView:
    view: CalendarView


@dataclass(frozen=True)
class CreateSession:
    client_id: UUID | None  # None: the ID given was not a client ID at all
    event_type_id: UUID | None
    start: datetime
    visit: SessionVisit | None
    repeats: Repeats = Repeats.NONE


@dataclass(frozen=True)
class RescheduleSession:
    """A drop on the calendar (also what the drag preview is asked)."""

    session_id: UUID | None
    view: CalendarView
    target: str


@dataclass(frozen=True)
class PreviewReschedule(RescheduleSession):
    """The same drop, asked by the drag preview: nothing moves."""


@dataclass(frozen=True)
class CancelSession:
    session_id: UUID | None  # None: the ID given was not a session ID at all
    reason: str | None
    notify_client: bool


@dataclass(frozen=True)
class UncancelSession:
    session_id: UUID | None


@dataclass(frozen=True)
class WriteSessionNote:
    session_id: UUID | None
    text: str


@dataclass(frozen=True)
class RecordPayment:
    session_id: UUID | None
    amount_cents: int
    currency: str
    method: str


@dataclass(frozen=True)
class SetClaimStatus:
    session_id: UUID | None
    status: ClaimStatus


def _not_found(field_name: str = "sessionId") -> RuleViolation:
    return RuleViolation.one((field_name,), ErrorCode.NOT_FOUND, "No such session.")


async def _owned(uow: UnitOfWork, therapist_id: UUID, session_id: UUID | None) -> Session:
    session = await uow.sessions.get(session_id, for_update=True) if session_id else None
    if session is None or session.therapist_id != therapist_id:
        raise _not_found()
    return session


async def _event_type(uow: UnitOfWork, therapist_id: UUID, event_type_id: UUID | None) -> EventType:
    found = await uow.event_types.get(event_type_id) if event_type_id else None
    if found is None or found.therapist_id != therapist_id:
        raise RuleViolation.one(("eventTypeId",), ErrorCode.NOT_FOUND, "No such event type.")
    return found


async def set_calendar_view(uow: UnitOfWork, therapist_id: UUID, command: SetCalendarView) -> None:
    async with uow:
        therapist = await uow.therapists.get(therapist_id, for_update=True)
        assert therapist is not None
        therapist.calendar_view = command.view
        await uow.therapists.save(therapist)
        uow.record(AccountChanged(therapist_id))  # processes holding the viewer drop it
        await uow.commit()


async def create(
    uow: UnitOfWork, clock: Clock, rooms: VideoRooms, therapist_id: UUID, command: CreateSession,
    policy: series_service.SeriesPolicy | None = None,
) -> SessionResult:
    """A session scheduled by hand for an active client; overlaps are allowed and flagged.
    With `repeats`, it is the first occurrence of a new series (day and time from it)."""
    client_id, event_type_id, start = command.client_id, command.event_type_id, command.start
    visit, repeats = command.visit, command.repeats
    if start.tzinfo is None:
        raise RuleViolation.one(("start",), ErrorCode.INVALID, "Give the start with a UTC offset.")
    async with uow:
        client = await uow.clients.get(client_id) if client_id else None
        if client is None or client.therapist_id != therapist_id:
            raise RuleViolation.one(("clientId",), ErrorCode.NOT_FOUND, "No such client.")
        if client.status is not ClientStatus.ACTIVE:
            raise RuleViolation.one(
                ("clientId",), ErrorCode.NOT_ACTIVE, "Accept this client from New bookings first."
            )
        event_type = await _event_type(uow, therapist_id, event_type_id)
        session = Session.new(
            therapist_id=therapist_id, client_id=client.id, event_type=event_type, start=start,
            visit=event_type.visit_for(visit), meeting_url=rooms.new_room_url(),
            source=SessionSource.MANUAL, created_at=clock.now(), client_time_zone=client.time_zone,
        )
        await uow.sessions.add(session)
        result = await record_change(uow, session, "CREATED", None, session.interval)
        if repeats is not Repeats.NONE:
            therapist = await uow.therapists.get(therapist_id, for_update=True)
            assert therapist is not None
            _, appeared = await series_service.begin(
                uow, clock, rooms, therapist, session, repeats, policy or series_service.SeriesPolicy()
            )
            result.appeared = sorted(set(result.appeared) | set(appeared))
        await uow.commit()
    return result


@dataclass(frozen=True)
class SessionEdit:
    """The edit form; None = unchanged."""

    session_id: UUID | None = None  # the session edited (None: not a session ID)
    start: datetime | None = None
    event_type_id: UUID | None = None
    event_type_given: bool = False  # an ID was sent (it may not have decoded)
    visit: SessionVisit | None = None
    fee_cents: int | None = None
    fee_currency: str | None = None
    clear_fee: bool = False


def _fee_errors(edit: SessionEdit) -> list[UserError]:
    errors: list[UserError] = []
    if edit.fee_cents is not None:
        errors += money.amount_errors(edit.fee_cents, ("feeCents",), allow_zero=True)
        if edit.fee_currency is None:
            errors.append(UserError(("feeCurrency",), ErrorCode.REQUIRED, "Give the fee's currency."))
    if edit.fee_currency is not None:
        errors += money.currency_errors(edit.fee_currency, ("feeCurrency",))
    return errors


async def update(uow: UnitOfWork, therapist_id: UUID, edit: SessionEdit) -> SessionResult:
    errors = _fee_errors(edit)
    if edit.start is not None and edit.start.tzinfo is None:
        errors.append(UserError(("start",), ErrorCode.INVALID, "Give the start with a UTC offset."))
    if errors:
        raise RuleViolation(errors)
    async with uow:
        session = await _owned(uow, therapist_id, edit.session_id)
        before = session.live_interval
        if edit.start is not None:
            session.check_movable()
        event_type = await uow.event_types.get(session.event_type_id, include_deleted=True)
        if edit.event_type_given:
            new_type = await _event_type(uow, therapist_id, edit.event_type_id)
            session.change_event_type(event_type, new_type)
            event_type = new_type
        assert event_type is not None
        if edit.visit is not None and edit.visit is not session.visit:
            therapist = await uow.therapists.get(therapist_id)
            session.switch_visit(edit.visit, therapist.office_address if therapist else None)
        session.fit_to(event_type, edit.start)
        if edit.clear_fee:
            session.set_fee(None, None)
        elif edit.fee_cents is not None:
            session.set_fee(edit.fee_cents, edit.fee_currency)
        kind = "MOVED" if edit.start is not None else "UPDATED"
        result = await record_change(uow, session, kind, before, session.live_interval)
        await uow.commit()
    return result


def parse_target(view: CalendarView, raw: str) -> datetime | date:
    """WEEK: an ISO 8601 date-time (naive = the therapist's wall clock); MONTH: a date."""
    try:
        if view is CalendarView.MONTH:
            return date.fromisoformat(raw.strip())
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        message = "Use a date (YYYY-MM-DD)." if view is CalendarView.MONTH else "Use a date-time."
        raise RuleViolation.one(("target",), ErrorCode.INVALID, message) from None


@dataclass
class MovePlan:
    session: Session
    landing: Landing
    result: SessionResult | None = None


async def _plan(uow: UnitOfWork, therapist_id: UUID, drop: RescheduleSession) -> MovePlan:
    """Where a drop lands — shared by the preview and the move, so they never disagree."""
    view = drop.view
    target = parse_target(view, drop.target)
    session = await _owned(uow, therapist_id, drop.session_id)
    session.check_movable()
    therapist = await uow.therapists.get(therapist_id)
    assert therapist is not None
    return MovePlan(session, landing(view.value, target, session.interval, ZoneInfo(therapist.time_zone)))


async def reschedule(uow: UnitOfWork, therapist_id: UUID, drop: RescheduleSession) -> SessionResult:
    async with uow:
        plan = await _plan(uow, therapist_id, drop)
        session, before = plan.session, plan.session.interval
        session.move(plan.landing.start, plan.landing.end)
        result = await record_change(uow, session, "MOVED", before, session.interval)
        await uow.commit()
    return result


async def preview(uow: UnitOfWork, therapist_id: UUID, drop: PreviewReschedule) -> SessionResult:
    """The move without the commit: the unit of work rolls back, nothing changes."""
    async with uow:
        plan = await _plan(uow, therapist_id, drop)
        session = plan.session
        moved = replace(session)  # the move without touching the loaded session
        moved.move(plan.landing.start, plan.landing.end)
        return await conflict_change(uow, moved, session.interval, moved.interval)


async def cancel(
    uow: UnitOfWork, therapist_id: UUID, command: CancelSession, *, at: datetime | None = None
) -> SessionResult:
    reason = command.reason
    errors = text_rule.optional_text_errors(reason, ("reason",), max_length=MAX_REASON, multiline=True)
    if errors:
        raise RuleViolation(errors)
    async with uow:
        session = await _owned(uow, therapist_id, command.session_id)
        before = session.interval
        session.cancel(reason, notify_client=command.notify_client, by=CancelledBy.THERAPIST, at=at)
        result = await record_change(uow, session, "CANCELLED", before, None)
        await uow.commit()
    return result


async def uncancel(uow: UnitOfWork, therapist_id: UUID, command: UncancelSession) -> SessionResult:
    """Back to scheduled; overlaps that come back are flagged again (allowed)."""
    async with uow:
        session = await _owned(uow, therapist_id, command.session_id)
        told = session.client_knows_cancelled
        session.uncancel()
        result = await record_change(uow, session, "UNCANCELLED", None, session.interval)
        if told:
            uow.record(SessionRestored(therapist_id, session.id))
        await uow.commit()
    return result


async def write_note(uow: UnitOfWork, clock: Clock, therapist_id: UUID, command: WriteSessionNote) -> Session:
    text = command.text
    errors = text_rule.text_errors(text, ("text",), max_length=MAX_NOTE, required=False, multiline=True)
    if errors:
        raise RuleViolation(errors)
    async with uow:
        session = await _owned(uow, therapist_id, command.session_id)
        await uow.sessions.write_note(session.id, text, clock.now())
        uow.record(SessionWorkedOn(therapist_id, session.id, Work.NOTE))
        await uow.commit()
    return session


async def record_payment(
    uow: UnitOfWork, clock: Clock, therapist_id: UUID, payment: RecordPayment
) -> tuple[Session, SessionFacts]:
    amount_cents, currency = payment.amount_cents, payment.currency
    errors = money.amount_errors(amount_cents, ("amountCents",), allow_zero=False)
    errors += money.currency_errors(currency)
    if errors:
        raise RuleViolation(errors)
    async with uow:
        session = await _owned(uow, therapist_id, payment.session_id)
        if session.fee_currency and session.fee_currency != currency:
            raise RuleViolation.one(
                ("currency",), ErrorCode.CURRENCY_MISMATCH, "Pay in the currency of the session fee."
            )
        await uow.sessions.add_payment(
            Payment(uuid.uuid4(), session.id, amount_cents, currency, payment.method, clock.now())
        )
        uow.record(SessionWorkedOn(therapist_id, session.id, Work.PAYMENT))
        facts = await uow.sessions.facts(session.id)
        await uow.commit()
    return session, facts


async def set_claim_status(uow: UnitOfWork, therapist_id: UUID, command: SetClaimStatus) -> Session:
    async with uow:
        session = await _owned(uow, therapist_id, command.session_id)
        session.claim_status = command.status
        await uow.sessions.save(session)
        uow.record(SessionWorkedOn(therapist_id, session.id, Work.CLAIM))
        await uow.commit()
    return session
