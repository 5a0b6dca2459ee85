"""cancelSession: the session stays on the calendar, marked; its slot frees on the booking page."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import CancelSession
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.payloads import SessionPayload


@strawberry.input(description="Cancel a session; it stays on the calendar, marked.")
class CancelSessionInput:
    session_id: strawberry.ID = strawberry.field(description="The session to cancel.")
    reason: str | None = strawberry.field(default=None, description="Private, up to 500 characters. Line "
        "breaks and tabs are kept; other control characters are INVALID_CHARACTERS.")
    notify_client: bool = strawberry.field(
        default=False, description="Email the client about the cancellation."
    )

    def to_command(self) -> CancelSession:
        return CancelSession(
            session_id=global_ids.decode_as(self.session_id, "Session"), reason=self.reason,
            notify_client=self.notify_client,
        )


@strawberry.mutation(description="Cancel a session; its slot frees on the booking page.")
async def cancel_session(
    info: strawberry.Info,
    input: Annotated[
        CancelSessionInput,
        strawberry.argument(description="The session, an optional reason and whether to email the client."),
    ],
) -> SessionPayload:
    return await SessionPayload.of(info, await run(info.context, input.to_command()))
