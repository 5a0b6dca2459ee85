"""deleteEventType: retire an event type; sessions booked with it are kept."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.event_types import DeleteEventType
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.input(description="The event type to retire.")
class DeleteEventTypeInput:
    event_type_id: strawberry.ID = strawberry.field(
        description="One of your event types; NOT_FOUND otherwise."
    )

    def to_command(self) -> DeleteEventType:
        return DeleteEventType(global_ids.decode_as(self.event_type_id, "EventType"))


@strawberry.type(description="Which event type was retired, or why nothing was changed.")
class DeleteEventTypePayload:
    deleted_event_type_id: strawberry.ID | None = strawberry.field(
        description="The retired event type's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> DeleteEventTypePayload:
        return cls(
            deleted_event_type_id=(
                strawberry.ID(global_ids.encode("EventType", outcome.value)) if outcome.value else None
            ),
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(description="Retire an event type; sessions booked with it are kept.")
async def delete_event_type(
    info: strawberry.Info,
    input: Annotated[DeleteEventTypeInput, strawberry.argument(description="The event type to retire.")],
) -> DeleteEventTypePayload:
    return DeleteEventTypePayload.of(await run(info.context, input.to_command()))
