"""inviteClientToPortal: a therapist emails a client a single-use portal invite."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.portal import InviteToPortal
from resolvers.clients import client_id
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.input(description="Which of your clients to invite to the client portal.")
class InviteClientToPortalInput:
    client_id: strawberry.ID = strawberry.field(description="The client's global ID.")

    def to_command(self) -> InviteToPortal:
        return InviteToPortal(client_id(self.client_id))


@strawberry.type(description="The invite was queued to the client's email, or why not.")
class InviteClientToPortalPayload:
    invited: bool = strawberry.field(description="True when the invite email is on its way.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome) -> InviteClientToPortalPayload:
        return cls(invited=outcome.value is not None, user_errors=user_errors(outcome.errors))


@strawberry.mutation(
    description="Therapist: email a client a single-use invite link to the client portal "
    "(<COUCHTIME_PUBLIC_APP_URL>/portal/invite?token=…, valid 7 days). Inviting again sends a new link."
)
async def invite_client_to_portal(
    info: strawberry.Info,
    input: Annotated[InviteClientToPortalInput, strawberry.argument(description="The client.")],
) -> InviteClientToPortalPayload:
    return InviteClientToPortalPayload.of(await run(info.context, input.to_command()))
