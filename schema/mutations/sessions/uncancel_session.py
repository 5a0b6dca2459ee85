"""uncancelSession: back to scheduled; overlaps that come back are flagged again."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import UncancelSession
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.payloads import SessionPayload


@strawberry.input(description="A session by ID.")
class SessionIdInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")

    def to_command(self) -> UncancelSession:
        return UncancelSession(session_id=global_ids.decode_as(self.session_id, "Session"))


@strawberry.mutation(description="Back to scheduled; overlaps are flagged again (allowed).")
async def uncancel_session(
    info: strawberry.Info,
    input: Annotated[SessionIdInput, strawberry.argument(description="The cancelled session.")],
) -> SessionPayload:
    return await SessionPayload.of(info, await run(info.context, input.to_command()))
