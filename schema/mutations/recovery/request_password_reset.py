"""requestPasswordReset: email a reset link, answering alike whether or not the account exists."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.recovery import RequestReset
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.mutations.recovery.shared import AccountKind


@strawberry.input(description="Where to send a password-reset link.")
class RequestPasswordResetInput:
    email: str = strawberry.field(description="The account's email; case-insensitive.")
    account: AccountKind = strawberry.field(
        default=AccountKind.THERAPIST,
        description="THERAPIST (default) or CLIENT (the client portal; a person who is a client of "
        "two therapists gets one link per portal account).",
    )

    def to_command(self) -> RequestReset:
        return RequestReset(self.email, self.account.value)


@strawberry.type(description="The request was taken.")
class RequestPasswordResetPayload:
    requested: bool = strawberry.field(
        description="Always true: the answer (and its time) is the same whether or not an account "
        "has this email, so it says nothing about who has one. If one does, a single-use link "
        "valid 1 hour is emailed."
    )
    user_errors: list[UserError] = strawberry.field(description="Always empty.")

    @classmethod
    def of(cls, outcome: Outcome) -> RequestPasswordResetPayload:
        return cls(requested=True, user_errors=user_errors(outcome.errors))


@strawberry.mutation(
    description="Forgot your password: emails a single-use reset link (1 hour) if an account has "
    "this email. Needs no sign-in; rate-limited per email and per address (RATE_LIMITED)."
)
async def request_password_reset(
    info: strawberry.Info,
    input: Annotated[RequestPasswordResetInput, strawberry.argument(description="The email.")],
) -> RequestPasswordResetPayload:
    return RequestPasswordResetPayload.of(await run(info.context, input.to_command()))
