"""acceptPortalInvite: a client chooses a password from the invite link (no sign-in)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.portal import AcceptInvite
from resolvers.use_cases import run
from schema.mutations.portal.shared import ClientTokenPayload


@strawberry.input(description="The token from the invite link and the password the client chooses.")
class AcceptPortalInviteInput:
    token: str = strawberry.field(
        description="The `token` parameter of the invite link (single use, 7 days)."
    )
    password: str = strawberry.field(description="The new portal password: 10–1,024 characters without "
        "control characters, and hard to guess: zxcvbn scores it (its first 72 characters, the account's "
        "own name and email counting as easy words); too weak is PASSWORD_TOO_WEAK.")

    def to_command(self) -> AcceptInvite:
        return AcceptInvite(token=self.token, password=self.password)


@strawberry.mutation(
    description="Client: accept a portal invite by choosing a password; returns a portal token. "
    "No sign-in needed."
)
async def accept_portal_invite(
    info: strawberry.Info,
    input: Annotated[AcceptPortalInviteInput, strawberry.argument(description="Token and password.")],
) -> ClientTokenPayload:
    return ClientTokenPayload.of(await run(info.context, input.to_command()))
