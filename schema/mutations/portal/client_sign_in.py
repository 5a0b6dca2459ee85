"""clientSignIn: a client signs in to the portal (rate-limited like signIn)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.portal import ClientSignIn
from resolvers.use_cases import run
from schema.mutations.portal.shared import ClientTokenPayload


@strawberry.input(description="A client's portal sign-in.")
class ClientSignInInput:
    email: str = strawberry.field(description="The email the therapist has for the client; case-insensitive.")
    password: str = strawberry.field(description="The portal password. One over 1,024 characters never "
        "matches.")

    def to_command(self) -> ClientSignIn:
        return ClientSignIn(email=self.email, password=self.password)


@strawberry.mutation(
    description="Client: sign in to the portal; returns a portal token. No sign-in needed. Rate-limited "
    "like `signIn` (RATE_LIMITED), keyed on the email given; a wrong password and an unknown email "
    "answer alike and take the same time."
)
async def client_sign_in(
    info: strawberry.Info,
    input: Annotated[ClientSignInInput, strawberry.argument(description="Email and password.")],
) -> ClientTokenPayload:
    return ClientTokenPayload.of(await run(info.context, input.to_command()))
