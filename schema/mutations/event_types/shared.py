"""The payload of the event-type create and edit."""

from __future__ import annotations

import strawberry

from resolvers.outcome import Outcome
from schema.common import UserError, user_errors
from schema.event_types import EventType


@strawberry.type(description="The event type after a create or edit, or why nothing was changed.")
class EventTypePayload:
    event_type: EventType | None = strawberry.field(
        description="The event type after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> EventTypePayload:
        return cls(
            event_type=EventType.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
