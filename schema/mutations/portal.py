"""Client portal mutations: invite (therapist), accept the invite, sign in, cancel a session."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import portal as resolve
from schema.common import UserError, user_errors
from schema.portal import PortalSession, portal_session


@strawberry.input(description="Which of your clients to invite to the client portal.")
class InviteClientToPortalInput:
    client_id: strawberry.ID = strawberry.field(description="The client's global ID.")


@strawberry.type(description="The invite was queued to the client's email, or why not.")
class InviteClientToPortalPayload:
    invited: bool = strawberry.field(description="True when the invite email is on its way.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent; empty on success.")


@strawberry.input(description="The token from the invite link and the password the client chooses.")
class AcceptPortalInviteInput:
    token: str = strawberry.field(
        description="The `token` parameter of the invite link (single use, 7 days)."
    )
    password: str = strawberry.field(description="The new portal password: 10–1,024 characters without "
        "control characters, and hard to guess: zxcvbn scores it (its first 72 characters, the account's "
        "own name and email counting as easy words); too weak is PASSWORD_TOO_WEAK.")


@strawberry.input(description="A client's portal sign-in.")
class ClientSignInInput:
    email: str = strawberry.field(description="The email the therapist has for the client; case-insensitive.")
    password: str = strawberry.field(description="The portal password. One over 1,024 characters never "
        "matches.")


@strawberry.type(description="A client portal token, or why not.")
class ClientTokenPayload:
    token: str | None = strawberry.field(
        description="A portal token (`Authorization: Bearer <token>`), shown once; it opens the portal's "
        "fields only. Null on userErrors."
    )
    first_name: str | None = strawberry.field(description="The client's first name; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(description="Why not; empty on success.")


@strawberry.input(description="One of your own sessions to cancel (portal).")
class CancelMySessionInput:
    session_id: strawberry.ID = strawberry.field(description="The session's global ID from mySessions.")


@strawberry.type(description="The cancelled session, or why not.")
class CancelMySessionPayload:
    session: PortalSession | None = strawberry.field(
        description="The session, now cancelled; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        description="TOO_LATE_TO_CANCEL within 24 hours of the start; NOT_FOUND; SESSION_CANCELLED."
    )


@strawberry.type
class PortalMutations:
    @strawberry.mutation(
        description="Therapist: email a client a single-use invite link to the client portal "
        "(<COUCHTIME_PUBLIC_APP_URL>/portal/invite?token=…, valid 7 days). Inviting again sends a new link."
    )
    async def invite_client_to_portal(
        self, info: strawberry.Info,
        input: Annotated[InviteClientToPortalInput, strawberry.argument(description="The client.")],
    ) -> InviteClientToPortalPayload:
        outcome = await resolve.invite(info.context, input.client_id)
        return InviteClientToPortalPayload(invited=outcome.value is not None,
                                           user_errors=user_errors(outcome.errors))

    @strawberry.mutation(
        description="Client: accept a portal invite by choosing a password; returns a portal token. "
        "No sign-in needed."
    )
    async def accept_portal_invite(
        self, info: strawberry.Info,
        input: Annotated[AcceptPortalInviteInput, strawberry.argument(description="Token and password.")],
    ) -> ClientTokenPayload:
        outcome = await resolve.accept(info.context, input.token, input.password)
        return _token_payload(outcome)

    @strawberry.mutation(
        description="Client: sign in to the portal; returns a portal token. No sign-in needed. Rate-limited "
        "like `signIn` (RATE_LIMITED), keyed on the email given; a wrong password and an unknown email "
        "answer alike and take the same time."
    )
    async def client_sign_in(
        self, info: strawberry.Info,
        input: Annotated[ClientSignInInput, strawberry.argument(description="Email and password.")],
    ) -> ClientTokenPayload:
        return _token_payload(await resolve.sign_in(info.context, input.email, input.password))

    @strawberry.mutation(
        description="Client: cancel one of your sessions, at least 24 hours before it starts. Your "
        "therapist is emailed and the time is free again on the booking page. To move a session, "
        "cancel it and book again."
    )
    async def cancel_my_session(
        self, info: strawberry.Info,
        input: Annotated[CancelMySessionInput, strawberry.argument(description="The session.")],
    ) -> CancelMySessionPayload:
        outcome = await resolve.cancel_my_session(info.context, input.session_id)
        if outcome.value is None:
            return CancelMySessionPayload(session=None, user_errors=user_errors(outcome.errors))
        return CancelMySessionPayload(session=await portal_session(info, outcome.value.id), user_errors=[])


def _token_payload(outcome) -> ClientTokenPayload:
    if outcome.value is None:
        return ClientTokenPayload(token=None, first_name=None, user_errors=user_errors(outcome.errors))
    client, token = outcome.value
    return ClientTokenPayload(token=token, first_name=client.first_name, user_errors=[])

