"""resetPassword: a new password from a reset link; every device is signed out."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.recovery import ResetPassword
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.mutations.recovery.shared import AccountKind


@strawberry.input(description="The token from the reset link and the new password.")
class ResetPasswordInput:
    token: str = strawberry.field(
        description="The `token` parameter of the emailed link (single use, 1 hour)."
    )
    new_password: str = strawberry.field(description="The new password (10 to 1,024 characters).")

    def to_command(self) -> ResetPassword:
        return ResetPassword(self.token, self.new_password)


@strawberry.type(description="A fresh token for the account, or why not.")
class ResetPasswordPayload:
    token: str | None = strawberry.field(
        description="A new bearer token of the account (a therapist token, or a portal token), shown "
        "once. Every token issued before the reset is revoked. Null on userErrors."
    )
    account: AccountKind | None = strawberry.field(description="Whose password changed; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_RESET_LINK on token (forged, used, expired, or superseded by a newer "
        "password); PASSWORD_TOO_SHORT or TOO_LONG on newPassword."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> ResetPasswordPayload:
        kind, token = outcome.value if outcome.value else (None, None)
        return cls(token=token, account=AccountKind(kind) if kind else None,
                   user_errors=user_errors(outcome.errors))


@strawberry.mutation(
    description="Set a new password with the token of a reset link; signs out every device of "
    "the account and returns a new token. Needs no sign-in."
)
async def reset_password(
    info: strawberry.Info,
    input: Annotated[ResetPasswordInput, strawberry.argument(description="Token and new password.")],
) -> ResetPasswordPayload:
    return ResetPasswordPayload.of(await run(info.context, input.to_command()))
