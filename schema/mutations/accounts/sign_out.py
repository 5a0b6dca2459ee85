"""signOut: revoke the bearer token the request carries."""

from __future__ import annotations

import strawberry

from domain.services.accounts import SignOut
from resolvers.use_cases import run
from schema.common import UserError


@strawberry.type(description="The result of signing out.")
class SignOutPayload:
    signed_out: bool = strawberry.field(
        description="True when the request's token was live and is now revoked."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Always empty: signing out cannot be refused (a dead or missing token gives "
        "`signedOut: false`). Present so every payload has the same shape."
    )


@strawberry.mutation(description="Revoke the bearer token this request carries.")
async def sign_out(info: strawberry.Info) -> SignOutPayload:
    outcome = await run(info.context, SignOut())
    return SignOutPayload(signed_out=bool(outcome.value), user_errors=[])
