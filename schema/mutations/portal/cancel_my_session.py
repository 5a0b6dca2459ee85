"""cancelMySession: a portal client cancels their own session, 24 hours ahead at the latest."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.portal import CancelMySession
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.portal import PortalSession, portal_session


@strawberry.input(description="One of your own sessions to cancel (portal).")
class CancelMySessionInput:
    session_id: strawberry.ID = strawberry.field(description="The session's global ID from mySessions.")

    def to_command(self) -> CancelMySession:
        return CancelMySession(global_ids.decode_as(self.session_id, "Session"))


@strawberry.type(description="The cancelled session, or why not.")
class CancelMySessionPayload:
    session: PortalSession | None = strawberry.field(
        description="The session, now cancelled; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        description="TOO_LATE_TO_CANCEL within 24 hours of the start; NOT_FOUND; SESSION_CANCELLED."
    )

    @classmethod
    async def of(cls, info: strawberry.Info, outcome: Outcome) -> CancelMySessionPayload:
        if outcome.value is None:
            return cls(session=None, user_errors=user_errors(outcome.errors))
        return cls(session=await portal_session(info, outcome.value.id), user_errors=[])


@strawberry.mutation(
    description="Client: cancel one of your sessions, at least 24 hours before it starts. Your "
    "therapist is emailed and the time is free again on the booking page. To move a session, "
    "cancel it and book again."
)
async def cancel_my_session(
    info: strawberry.Info,
    input: Annotated[CancelMySessionInput, strawberry.argument(description="The session.")],
) -> CancelMySessionPayload:
    return await CancelMySessionPayload.of(info, await run(info.context, input.to_command()))
