"""Use cases for event types; at most 15 per therapist, kept in the order created."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from uuid import UUID

from domain import event_types as rules
from domain import money
from domain.booking import booking_rule_errors, slot_interval_errors
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import EventTypeChanged
from domain.model import EventType, VisitType
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class BookingRuleFields:
    """An event type's booking rules, set as a whole (domain/booking.py applies them)."""

    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int | None = None  # None: the default 30 minutes
    max_per_day: int | None = None
    booking_window_days: int | None = None

    def apply(self, event_type: EventType) -> None:
        event_type.buffer_before_minutes = self.buffer_before_minutes
        event_type.buffer_after_minutes = self.buffer_after_minutes
        event_type.min_notice_minutes = self.min_notice_minutes
        event_type.max_per_day = self.max_per_day
        event_type.booking_window_days = self.booking_window_days


@dataclass(frozen=True)
class EventTypeFields:
    """Fields of the create/edit form; None on an edit means "unchanged"."""

    title: str | None = None
    minutes: int | None = None
    visit_type: VisitType | None = None
    description: str | None = None
    slot_interval_minutes: int | None = None
    reset_slot_interval: bool = False
    price_cents: int | None = None
    currency: str | None = None
    clear_price: bool = False
    rules: BookingRuleFields | None = None  # None on an edit: the rules stay as they are
    name_in_emails: bool | None = None


@dataclass(frozen=True)
class EventTypeEdit(EventTypeFields):
    event_type_id: UUID | None = None  # None: the ID given was not an event type ID at all


@dataclass(frozen=True)
class DeleteEventType:
    event_type_id: UUID | None


def _errors(fields: EventTypeFields) -> list:
    errors = []
    if fields.title is not None:
        errors += rules.title_errors(fields.title)
    if fields.minutes is not None:
        errors += rules.minutes_errors(fields.minutes)
    errors += rules.description_errors(fields.description)
    errors += slot_interval_errors(fields.slot_interval_minutes)
    if fields.price_cents is not None:
        errors += money.amount_errors(fields.price_cents, ("priceCents",), allow_zero=True)
        if fields.currency is None:
            errors.append(UserError(("currency",), ErrorCode.REQUIRED, "Give the price's currency."))
    if fields.currency is not None:
        errors += money.currency_errors(fields.currency)
    if fields.rules is not None:
        r = fields.rules
        errors += [replace(e, field=("bookingRules", *e.field)) for e in booking_rule_errors(
            buffer_before=r.buffer_before_minutes, buffer_after=r.buffer_after_minutes,
            notice=r.min_notice_minutes, per_day=r.max_per_day, window_days=r.booking_window_days)]
    return errors


def _clean_description(description: str | None) -> str | None:
    return description.strip() or None if description is not None else None


async def create(
    uow: UnitOfWork, clock: Clock, therapist_id: UUID, fields: EventTypeFields
) -> EventType:
    if fields.title is None or fields.minutes is None or fields.visit_type is None:
        raise ValueError("title, minutes and visit type are required")  # the schema enforces it
    errors = _errors(fields)
    if errors:
        raise RuleViolation(errors)
    async with uow:
        await uow.therapists.get(therapist_id, for_update=True)  # serialises the limit check
        if len(await uow.event_types.active(therapist_id)) >= rules.MAX_EVENT_TYPES:
            raise RuleViolation.one(
                (), ErrorCode.LIMIT_REACHED, f"At most {rules.MAX_EVENT_TYPES} event types."
            )
        event_type = EventType(
            id=uuid.uuid4(), therapist_id=therapist_id, title=fields.title.strip(),
            minutes=fields.minutes, visit_type=fields.visit_type,
            description=_clean_description(fields.description), created_at=clock.now(),
            slot_interval_minutes=fields.slot_interval_minutes,
            price_cents=fields.price_cents, currency=fields.currency,
            name_in_emails=bool(fields.name_in_emails),
        )
        if fields.rules is not None:
            fields.rules.apply(event_type)
        await uow.event_types.add(event_type)
        uow.record(EventTypeChanged(therapist_id, event_type.id))
        await uow.commit()
    return event_type


async def _owned(uow: UnitOfWork, therapist_id: UUID, event_type_id: UUID | None) -> EventType:
    event_type = await uow.event_types.get(event_type_id) if event_type_id else None
    if event_type is None or event_type.therapist_id != therapist_id:
        raise RuleViolation.one(("eventTypeId",), ErrorCode.NOT_FOUND, "No such event type.")
    return event_type


async def update(uow: UnitOfWork, therapist_id: UUID, fields: EventTypeEdit) -> EventType:
    errors = _errors(fields)
    if errors:
        raise RuleViolation(errors)
    async with uow:
        event_type = await _owned(uow, therapist_id, fields.event_type_id)
        if fields.title is not None:
            event_type.title = fields.title.strip()
        if fields.minutes is not None:
            event_type.minutes = fields.minutes
        if fields.visit_type is not None:
            event_type.visit_type = fields.visit_type
        if fields.description is not None:
            event_type.description = _clean_description(fields.description)
        if fields.reset_slot_interval:
            event_type.slot_interval_minutes = None
        elif fields.slot_interval_minutes is not None:
            event_type.slot_interval_minutes = fields.slot_interval_minutes
        if fields.clear_price:
            event_type.price_cents = event_type.currency = None
        elif fields.price_cents is not None:
            event_type.price_cents, event_type.currency = fields.price_cents, fields.currency
        if fields.rules is not None:
            fields.rules.apply(event_type)
        if fields.name_in_emails is not None:
            event_type.name_in_emails = fields.name_in_emails
        await uow.event_types.save(event_type)
        uow.record(EventTypeChanged(therapist_id, event_type.id))
        await uow.commit()
    return event_type


async def delete(uow: UnitOfWork, clock: Clock, therapist_id: UUID, command: DeleteEventType) -> UUID:
    """Retire an event type; sessions already booked with it keep it (a soft delete)."""
    async with uow:
        event_type_id = (await _owned(uow, therapist_id, command.event_type_id)).id
        await uow.event_types.delete(event_type_id, clock.now())
        uow.record(EventTypeChanged(therapist_id, event_type_id, deleted=True))
        await uow.commit()
    return event_type_id
