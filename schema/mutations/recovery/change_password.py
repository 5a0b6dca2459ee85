"""changePassword: the asking token's account (therapist or portal client) gets a new password."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.recovery import ChangePassword
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.input(description="Your current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password you use now.")
    new_password: str = strawberry.field(description="The new password (10 to 1,024 characters).")

    def to_command(self) -> ChangePassword:
        return ChangePassword(self.current_password, self.new_password)


@strawberry.type(description="Whether the password changed, or why not.")
class ChangePasswordPayload:
    changed: bool = strawberry.field(description="True when the new password is in force.")
    signed_out_elsewhere: int = strawberry.field(
        description="How many other tokens of the account were revoked (their devices are signed "
        "out and their open live connections close with 4403); the token you used stays."
    )
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_CREDENTIALS on currentPassword; PASSWORD_TOO_SHORT or TOO_LONG on "
        "newPassword. Wrong current passwords are rate-limited like signIn (RATE_LIMITED)."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> ChangePasswordPayload:
        return cls(changed=not outcome.errors, signed_out_elsewhere=outcome.value or 0,
                   user_errors=user_errors(outcome.errors))


@strawberry.mutation(
    description="Change your password (therapist or portal client token): the current password "
    "is required, and every other token of the account is revoked."
)
async def change_password(
    info: strawberry.Info,
    input: Annotated[ChangePasswordInput, strawberry.argument(description="The passwords.")],
) -> ChangePasswordPayload:
    return ChangePasswordPayload.of(await run(info.context, input.to_command()))
