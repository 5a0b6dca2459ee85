"""Event-type mutations: create, update, delete."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.event_types import EventTypeFields
from resolvers import event_types
from schema.common import UserError, VisitType, user_errors
from schema.event_types import EventType

NAME_IN_EMAILS = (
    "Name this type (its title) in the emails about its sessions, never in reminders. Off by "
    "default: a title like \"Couples intake\" tells whoever reads the client's mail what the care is."
)


@strawberry.input(description="A new event type.")
class CreateEventTypeInput:
    title: str = strawberry.field(description="Shown on the booking page, 1–120 characters. One line: no "
        "control characters or line breaks (else INVALID_CHARACTERS).")
    minutes: int = strawberry.field(description="5–720; common: see `commonSessionLengths`.")
    visit_type: VisitType = strawberry.field(  # type: ignore[valid-type]
        description="Where its sessions may take place."
    )
    description: str | None = strawberry.field(
        default=None,
        description="Optional text shown on the booking page, up to 2,000 characters; blank = none. Line "
            "breaks and tabs are kept; other control characters are INVALID_CHARACTERS.",
    )
    slot_interval_minutes: int | None = strawberry.field(
        default=None, description="5–240; default: the length rounded up to 15 minutes."
    )
    price_cents: int | None = strawberry.field(
        default=None, description="Default session fee in cents (≥ 0); needs `currency`."
    )
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code of the price.")
    name_in_emails: bool = strawberry.field(
        default=False, description=NAME_IN_EMAILS)


@strawberry.input(description="Fields left out (null) stay as they are; \"\" clears description.")
class UpdateEventTypeInput:
    event_type_id: strawberry.ID = strawberry.field(
        description="One of your event types; NOT_FOUND otherwise."
    )
    title: str | None = strawberry.field(default=None, description="1–120 characters. One line: no control "
        "characters or line breaks (else INVALID_CHARACTERS).")
    minutes: int | None = strawberry.field(default=None, description="Session length, 5–720.")
    visit_type: VisitType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Where its sessions may take place."
    )
    description: str | None = strawberry.field(
        default=None, description="Up to 2,000 characters; \"\" clears it."
    )
    slot_interval_minutes: int | None = strawberry.field(default=None, description="5–240.")
    reset_slot_interval: bool = strawberry.field(
        default=False, description="Go back to the default interval."
    )
    price_cents: int | None = strawberry.field(
        default=None, description="New default fee in cents (≥ 0); needs `currency`."
    )
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code of the price.")
    clear_price: bool = strawberry.field(default=False, description="No default fee.")
    name_in_emails: bool | None = strawberry.field(default=None, description=NAME_IN_EMAILS)


@strawberry.input(description="The event type to retire.")
class DeleteEventTypeInput:
    event_type_id: strawberry.ID = strawberry.field(
        description="One of your event types; NOT_FOUND otherwise."
    )


@strawberry.type(description="The event type after a create or edit, or why nothing was changed.")
class EventTypePayload:
    event_type: EventType | None = strawberry.field(
        description="The event type after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


@strawberry.type(description="Which event type was retired, or why nothing was changed.")
class DeleteEventTypePayload:
    deleted_event_type_id: strawberry.ID | None = strawberry.field(
        description="The retired event type's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


def _payload(outcome) -> EventTypePayload:
    return EventTypePayload(
        event_type=EventType.from_domain(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type
class EventTypeMutations:
    @strawberry.mutation(description="Add an event type (at most 15; LIMIT_REACHED after).")
    async def create_event_type(
        self, info: strawberry.Info,
        input: Annotated[CreateEventTypeInput, strawberry.argument(
            description="The new event type."
        )],
    ) -> EventTypePayload:
        fields = EventTypeFields(input.title, input.minutes, input.visit_type, input.description,
                                 input.slot_interval_minutes, price_cents=input.price_cents,
                                 currency=input.currency, name_in_emails=input.name_in_emails)
        return _payload(await event_types.create(info.context, fields))

    @strawberry.mutation(description="Edit an event type; sessions already booked keep theirs.")
    async def update_event_type(
        self, info: strawberry.Info,
        input: Annotated[UpdateEventTypeInput, strawberry.argument(
            description="The event type and the fields to change."
        )],
    ) -> EventTypePayload:
        fields = EventTypeFields(input.title, input.minutes, input.visit_type, input.description,
                                 input.slot_interval_minutes, input.reset_slot_interval,
                                 price_cents=input.price_cents, currency=input.currency,
                                 clear_price=input.clear_price, name_in_emails=input.name_in_emails)
        return _payload(await event_types.update(info.context, input.event_type_id, fields))

    @strawberry.mutation(description="Retire an event type; sessions booked with it are kept.")
    async def delete_event_type(
        self, info: strawberry.Info,
        input: Annotated[DeleteEventTypeInput, strawberry.argument(
            description="The event type to retire."
        )],
    ) -> DeleteEventTypePayload:
        outcome = await event_types.delete(info.context, input.event_type_id)
        return DeleteEventTypePayload(
            deleted_event_type_id=strawberry.ID(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
