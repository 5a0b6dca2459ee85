"""Account recovery mutations: changePassword, requestPasswordReset, resetPassword."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from domain import tokens
from resolvers import recovery as resolve
from schema.common import UserError, user_errors
from schema.enums import described


@described(
    "Which kind of account: a therapist's, or a client's portal account.",
    THERAPIST="A therapist's account.", CLIENT="A client's portal account.",
)
class AccountKind(Enum):
    THERAPIST = tokens.THERAPIST
    CLIENT = tokens.CLIENT


@strawberry.input(description="Your current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password you use now.")
    new_password: str = strawberry.field(description="The new password (10 to 1,024 characters).")


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


@strawberry.input(description="Where to send a password-reset link.")
class RequestPasswordResetInput:
    email: str = strawberry.field(description="The account's email; case-insensitive.")
    account: AccountKind = strawberry.field(
        default=AccountKind.THERAPIST,
        description="THERAPIST (default) or CLIENT (the client portal; a person who is a client of "
        "two therapists gets one link per portal account).",
    )


@strawberry.type(description="The request was taken.")
class RequestPasswordResetPayload:
    requested: bool = strawberry.field(
        description="Always true: the answer (and its time) is the same whether or not an account "
        "has this email, so it says nothing about who has one. If one does, a single-use link "
        "valid 1 hour is emailed."
    )
    user_errors: list[UserError] = strawberry.field(description="Always empty.")


@strawberry.input(description="The token from the reset link and the new password.")
class ResetPasswordInput:
    token: str = strawberry.field(
        description="The `token` parameter of the emailed link (single use, 1 hour)."
    )
    new_password: str = strawberry.field(description="The new password (10 to 1,024 characters).")


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


@strawberry.type
class RecoveryMutations:
    @strawberry.mutation(
        description="Change your password (therapist or portal client token): the current password "
        "is required, and every other token of the account is revoked."
    )
    async def change_password(
        self, info: strawberry.Info,
        input: Annotated[ChangePasswordInput, strawberry.argument(description="The passwords.")],
    ) -> ChangePasswordPayload:
        outcome = await resolve.change_password(info.context, input.current_password, input.new_password)
        return ChangePasswordPayload(changed=not outcome.errors, signed_out_elsewhere=outcome.value or 0,
                                     user_errors=user_errors(outcome.errors))

    @strawberry.mutation(
        description="Forgot your password: emails a single-use reset link (1 hour) if an account has "
        "this email. Needs no sign-in; rate-limited per email and per address (RATE_LIMITED)."
    )
    async def request_password_reset(
        self, info: strawberry.Info,
        input: Annotated[RequestPasswordResetInput, strawberry.argument(description="The email.")],
    ) -> RequestPasswordResetPayload:
        outcome = await resolve.request_reset(info.context, input.email, input.account.value)
        return RequestPasswordResetPayload(requested=True, user_errors=user_errors(outcome.errors))

    @strawberry.mutation(
        description="Set a new password with the token of a reset link; signs out every device of "
        "the account and returns a new token. Needs no sign-in."
    )
    async def reset_password(
        self, info: strawberry.Info,
        input: Annotated[ResetPasswordInput, strawberry.argument(description="Token and new password.")],
    ) -> ResetPasswordPayload:
        outcome = await resolve.reset(info.context, input.token, input.new_password)
        kind, token = outcome.value if outcome.value else (None, None)
        return ResetPasswordPayload(token=token, account=AccountKind(kind) if kind else None,
                                    user_errors=user_errors(outcome.errors))
