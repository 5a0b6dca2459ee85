"""signIn: email and password for a bearer token (rate-limited, audited)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.accounts import SignIn
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.therapist import Therapist


@strawberry.input(description="A therapist's sign-in credentials.")
class SignInInput:
    email: str = strawberry.field(description="The account's email; case-insensitive.")
    password: str = strawberry.field(description="The account's password. One over 1,024 characters never "
        "matches.")

    def to_command(self) -> SignIn:
        return SignIn(self.email, self.password)


@strawberry.type(description="A bearer token for the account, or why not.")
class SignInPayload:
    therapist: Therapist | None = strawberry.field(
        description="The signed-in account; null when userErrors is not empty."
    )
    token: str | None = strawberry.field(
        description="A new token: send as `Authorization: Bearer <token>`; shown once. Null when "
        "userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why no token was issued; empty on success. A wrong password and an unknown "
        "email both give INVALID_CREDENTIALS."
    )

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> SignInPayload:
        if outcome.value is None:
            return cls(therapist=None, token=None, user_errors=user_errors(outcome.errors))
        therapist, token = outcome.value
        return cls(therapist=Therapist.from_domain(therapist, info), token=token, user_errors=[])


@strawberry.mutation(
    description="Exchange email and password for a bearer token. Rate-limited (RATE_LIMITED with "
    "retryAfterSeconds) per client address, per (email, address) and per email across all addresses "
    "(a high ceiling), counted for the email given whether or not an account has it. A wrong password "
    "and an unknown email answer alike and take the same time."
)
async def sign_in(
    info: strawberry.Info,
    input: Annotated[SignInInput, strawberry.argument(description="Email and password.")],
) -> SignInPayload:
    return SignInPayload.of(info, await run(info.context, input.to_command()))
