"""createSession: a session scheduled by hand from a client's profile, optionally repeating."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain import model
from domain.services.sessions import CreateSession
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.shared import SessionPayload
from schema.sessions import Repeats, SessionVisit


@strawberry.input(description="A session scheduled by hand from a client's profile.")
class CreateSessionInput:
    client_id: strawberry.ID = strawberry.field(description="An active client (not an intake).")
    event_type_id: strawberry.ID = strawberry.field(description="Its length and fee come from here.")
    start: datetime = strawberry.field(description="Start instant, with a UTC offset.")
    visit_type: SessionVisit | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Must be allowed by the event type; may be omitted when only one is."
    )
    repeats: Repeats = strawberry.field(  # type: ignore[valid-type]
        default=model.Repeats.NONE,
        description="Make it the first occurrence of a series on its weekday and wall-clock time. "
        "Occurrences up to the horizon (8 weeks by default) are created at once; their overlaps come "
        "back in `conflicts.appeared` (allowed, never skipped).",
    )

    def to_command(self) -> CreateSession:
        return CreateSession(
            client_id=global_ids.decode_as(self.client_id, "Client"),
            event_type_id=global_ids.decode_as(self.event_type_id, "EventType"),
            start=self.start, visit=self.visit_type, repeats=self.repeats,
        )


@strawberry.mutation(
    description="Schedule a session by hand. Overlaps are allowed and come back as conflicts."
)
async def create_session(
    info: strawberry.Info,
    input: Annotated[
        CreateSessionInput, strawberry.argument(description="The client, event type, start and visit type.")
    ],
) -> SessionPayload:
    return await SessionPayload.of(info, await run(info.context, input.to_command()))
