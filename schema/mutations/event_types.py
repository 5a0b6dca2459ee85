"""Event-type mutations: create, update, delete."""

from __future__ import annotations

import strawberry

from domain.services.event_types import EventTypeFields
from resolvers import event_types
from schema.common import UserError, VisitType, user_errors
from schema.event_types import EventType


@strawberry.input
class CreateEventTypeInput:
    title: str
    minutes: int = strawberry.field(description="5–720; common: see `commonSessionLengths`.")
    visit_type: VisitType  # type: ignore[valid-type]
    description: str | None = None
    slot_interval_minutes: int | None = strawberry.field(
        default=None, description="5–240; default: the length rounded up to 15 minutes."
    )


@strawberry.input(description="Fields left out (null) stay as they are; \"\" clears description.")
class UpdateEventTypeInput:
    event_type_id: strawberry.ID
    title: str | None = None
    minutes: int | None = None
    visit_type: VisitType | None = None  # type: ignore[valid-type]
    description: str | None = None
    slot_interval_minutes: int | None = strawberry.field(default=None, description="5–240.")
    reset_slot_interval: bool = strawberry.field(
        default=False, description="Go back to the default interval."
    )


@strawberry.input
class DeleteEventTypeInput:
    event_type_id: strawberry.ID


@strawberry.type
class EventTypePayload:
    event_type: EventType | None
    user_errors: list[UserError]


@strawberry.type
class DeleteEventTypePayload:
    deleted_event_type_id: strawberry.ID | None
    user_errors: list[UserError]


def _payload(outcome) -> EventTypePayload:
    return EventTypePayload(
        event_type=EventType.from_domain(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type
class EventTypeMutations:
    @strawberry.mutation(description="Add an event type (at most 15; LIMIT_REACHED after).")
    async def create_event_type(
        self, info: strawberry.Info, input: CreateEventTypeInput
    ) -> EventTypePayload:
        fields = EventTypeFields(input.title, input.minutes, input.visit_type, input.description,
                                 input.slot_interval_minutes)
        return _payload(await event_types.create(info.context, fields))

    @strawberry.mutation(description="Edit an event type; sessions already booked keep theirs.")
    async def update_event_type(
        self, info: strawberry.Info, input: UpdateEventTypeInput
    ) -> EventTypePayload:
        fields = EventTypeFields(input.title, input.minutes, input.visit_type, input.description,
                                 input.slot_interval_minutes, input.reset_slot_interval)
        return _payload(await event_types.update(info.context, input.event_type_id, fields))

    @strawberry.mutation(description="Retire an event type; sessions booked with it are kept.")
    async def delete_event_type(
        self, info: strawberry.Info, input: DeleteEventTypeInput
    ) -> DeleteEventTypePayload:
        outcome = await event_types.delete(info.context, input.event_type_id)
        return DeleteEventTypePayload(
            deleted_event_type_id=strawberry.ID(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
