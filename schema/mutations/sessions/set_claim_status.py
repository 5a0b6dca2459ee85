"""setClaimStatus: the insurance claim status of a session."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import SetClaimStatus
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.shared import SessionWorkPayload
from schema.sessions import ClaimStatus


@strawberry.input(description="The insurance claim status of a session.")
class SetClaimStatusInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    status: ClaimStatus = strawberry.field(description="The new status.")  # type: ignore[valid-type]

    def to_command(self) -> SetClaimStatus:
        return SetClaimStatus(session_id=global_ids.decode_as(self.session_id, "Session"), status=self.status)


@strawberry.mutation(description="Set the session's claim status.")
async def set_claim_status(
    info: strawberry.Info,
    input: Annotated[
        SetClaimStatusInput, strawberry.argument(description="The session and its claim status.")
    ],
) -> SessionWorkPayload:
    return SessionWorkPayload.of(info, await run(info.context, input.to_command()))
