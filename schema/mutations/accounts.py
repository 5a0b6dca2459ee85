"""Account mutations: sign up, sign in, sign out, update profile."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.model import OfficeAddress as DomainAddress
from domain.services.accounts import ProfileChanges, SignUp
from resolvers import accounts
from schema.common import UserError, user_errors
from schema.therapist import Therapist


@strawberry.input(description="A new therapist account.")
class SignUpInput:
    email: str = strawberry.field(description="Case-insensitive and unique. A real address "
        "(email-validator's rules, no DNS check; else INVALID_EMAIL); stored lower-case.")
    password: str = strawberry.field(description="10–1,024 characters without control characters, and hard "
        "to guess: zxcvbn scores it (its first 72 characters, the account's own name and email counting as "
        "easy words); too weak is PASSWORD_TOO_WEAK.")
    display_name: str = strawberry.field(
        description="Name shown to clients on the booking page, 1–100 characters. One line: no control "
            "characters or line breaks (else INVALID_CHARACTERS)."
    )
    username: str = strawberry.field(
        description="Booking-page slug: 3–40 of a-z, 0-9 and '-'; not a reserved word."
    )
    time_zone: str = strawberry.field(description="IANA zone from tzdata, e.g. America/New_York; an old "
        "link name (US/Eastern) is stored as the zone it names; localtime, Factory and unknown names are "
        "INVALID_TIME_ZONE.")


@strawberry.type(description="The new account and a bearer token for it.")
class SignUpPayload:
    therapist: Therapist | None = strawberry.field(
        description="The new account; null when userErrors is not empty."
    )
    token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; shown once."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


@strawberry.input(description="A therapist's sign-in credentials.")
class SignInInput:
    email: str = strawberry.field(description="The account's email; case-insensitive.")
    password: str = strawberry.field(description="The account's password. One over 1,024 characters never "
        "matches.")


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


@strawberry.type(description="The result of signing out.")
class SignOutPayload:
    signed_out: bool = strawberry.field(
        description="True when the request's token was live and is now revoked."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Always empty: signing out cannot be refused (a dead or missing token gives "
        "`signedOut: false`). Present so every payload has the same shape."
    )


@strawberry.input(description="A whole office address; every part is required.")
class OfficeAddressInput:
    street: str = strawberry.field(description="Street and number, 1–200 characters. One line: no control "
        "characters or line breaks (else INVALID_CHARACTERS).")
    city: str = strawberry.field(description="City, 1–200 characters. One line: no control characters or "
        "line breaks (else INVALID_CHARACTERS).")
    state: str = strawberry.field(description="State or region, 1–200 characters. One line: no control "
        "characters or line breaks (else INVALID_CHARACTERS).")
    zip: str = strawberry.field(description="ZIP or postal code, 1–200 characters. One line: no control "
        "characters or line breaks (else INVALID_CHARACTERS).")


@strawberry.input(description="Fields left out (null) stay as they are.")
class UpdateProfileInput:
    display_name: str | None = strawberry.field(
        default=None, description="Name shown to clients, 1–100 characters. One line: no control characters "
            "or line breaks (else INVALID_CHARACTERS)."
    )
    username: str | None = strawberry.field(
        default=None,
        description="New booking-page slug (3–40 of a-z, 0-9 and '-'; not reserved; stored "
        "lower-case). `bookingPageUrl` changes with it.",
    )
    time_zone: str | None = strawberry.field(
        default=None,
        description="IANA zone from tzdata (old link names are stored as the zone they name; localtime, "
        "Factory and unknown names are INVALID_TIME_ZONE). Weekly hours and time off keep their wall-clock "
        "times in the new "
        "zone; booked sessions keep their instants.",
    )
    office_address: OfficeAddressInput | None = strawberry.field(
        default=None, description="Replaces the whole office address."
    )
    clear_office_address: bool = strawberry.field(
        default=False, description="Remove the office address."
    )
    booking_horizon_days: int | None = strawberry.field(
        default=None, description="How many days ahead clients may book (1–730)."
    )
    clear_booking_horizon: bool = strawberry.field(
        default=False, description="No horizon: any free slot from the current week on."
    )
    locale: str | None = strawberry.field(
        default=None, description="How emails write dates and times, e.g. en_US (the default: "
        "\"Tuesday, March 2, 2027 at 2:00 PM EST\"), en_GB or de_DE (24-hour clocks). Stored in its "
        "canonical spelling (de-de → de_DE); an unknown locale is INVALID_LOCALE.",
    )


@strawberry.type(description="The profile after the update, or why it was not changed.")
class UpdateProfilePayload:
    therapist: Therapist | None = strawberry.field(
        description="The therapist after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Create a therapist account; returns a bearer token. Rate-limited per "
        "client address (RATE_LIMITED; every attempt counts, valid or not).")
    async def sign_up(
        self, info: strawberry.Info,
        input: Annotated[SignUpInput, strawberry.argument(description="The account to create.")],
    ) -> SignUpPayload:
        outcome = await accounts.sign_up(
            info.context,
            SignUp(input.email, input.password, input.display_name, input.username,
                   input.time_zone),
        )
        if outcome.value is None:
            return SignUpPayload(therapist=None, token=None, user_errors=user_errors(outcome.errors))
        therapist, token = outcome.value
        return SignUpPayload(
            therapist=Therapist.from_domain(therapist, info), token=token, user_errors=[]
        )

    @strawberry.mutation(
        description="Exchange email and password for a bearer token. Rate-limited (RATE_LIMITED with "
        "retryAfterSeconds) per client address, per (email, address) and per email across all addresses "
        "(a high ceiling), counted for the email given whether or not an account has it. A wrong password "
        "and an unknown email answer alike and take the same time."
    )
    async def sign_in(
        self, info: strawberry.Info,
        input: Annotated[SignInInput, strawberry.argument(description="Email and password.")],
    ) -> SignInPayload:
        outcome = await accounts.sign_in(info.context, email=input.email, password=input.password)
        if outcome.value is None:
            return SignInPayload(therapist=None, token=None, user_errors=user_errors(outcome.errors))
        therapist, token = outcome.value
        return SignInPayload(
            therapist=Therapist.from_domain(therapist, info), token=token, user_errors=[]
        )

    @strawberry.mutation(description="Revoke the bearer token this request carries.")
    async def sign_out(self, info: strawberry.Info) -> SignOutPayload:
        return SignOutPayload(signed_out=await accounts.sign_out(info.context), user_errors=[])

    @strawberry.mutation(description="Change display name, username, time zone, office address.")
    async def update_profile(
        self, info: strawberry.Info,
        input: Annotated[UpdateProfileInput, strawberry.argument(
            description="The changes; fields left out stay as they are."
        )],
    ) -> UpdateProfilePayload:
        address = input.office_address
        changes = ProfileChanges(
            display_name=input.display_name, username=input.username, time_zone=input.time_zone,
            office_address=DomainAddress(address.street, address.city, address.state, address.zip)
            if address else None,
            clear_office_address=input.clear_office_address,
            booking_horizon_days=input.booking_horizon_days,
            clear_booking_horizon=input.clear_booking_horizon, locale=input.locale,
        )
        outcome = await accounts.update_profile(info.context, changes)
        return UpdateProfilePayload(
            therapist=Therapist.from_domain(outcome.value, info) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
