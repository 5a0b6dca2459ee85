"""Account mutations: sign up, sign in, sign out, update profile."""

from __future__ import annotations

import strawberry

from domain.model import OfficeAddress as DomainAddress
from domain.services.accounts import ProfileChanges, SignUp
from resolvers import accounts
from schema.common import UserError, user_errors
from schema.therapist import Therapist


@strawberry.input(description="A new therapist account.")
class SignUpInput:
    email: str = strawberry.field(description="Case-insensitive and unique.")
    password: str = strawberry.field(description="At least 10 characters.")
    display_name: str
    username: str = strawberry.field(
        description="Booking-page slug: 3–40 of a-z, 0-9 and '-'; not a reserved word."
    )
    time_zone: str = strawberry.field(description="IANA zone, e.g. America/New_York.")


@strawberry.type(description="The new account and a bearer token for it.")
class SignUpPayload:
    therapist: Therapist | None
    token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; shown once."
    )
    user_errors: list[UserError]


@strawberry.input
class SignInInput:
    email: str
    password: str


@strawberry.type(description="A bearer token for the account, or why not.")
class SignInPayload:
    therapist: Therapist | None
    token: str | None
    user_errors: list[UserError]


@strawberry.type
class SignOutPayload:
    signed_out: bool = strawberry.field(
        description="True when the request's token was live and is now revoked."
    )


@strawberry.input
class OfficeAddressInput:
    street: str
    city: str
    state: str
    zip: str


@strawberry.input(description="Fields left out (null) stay as they are.")
class UpdateProfileInput:
    display_name: str | None = None
    username: str | None = None
    time_zone: str | None = None
    office_address: OfficeAddressInput | None = None
    clear_office_address: bool = strawberry.field(
        default=False, description="Remove the office address."
    )
    booking_horizon_days: int | None = strawberry.field(
        default=None, description="How many days ahead clients may book (1–730)."
    )
    clear_booking_horizon: bool = strawberry.field(
        default=False, description="No horizon: any free slot from the current week on."
    )


@strawberry.type
class UpdateProfilePayload:
    therapist: Therapist | None
    user_errors: list[UserError]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Create a therapist account; returns a bearer token.")
    async def sign_up(self, info: strawberry.Info, input: SignUpInput) -> SignUpPayload:
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
        description="Exchange email and password for a bearer token. Rate-limited per account "
        "and per client address (error code RATE_LIMITED)."
    )
    async def sign_in(self, info: strawberry.Info, input: SignInInput) -> SignInPayload:
        outcome = await accounts.sign_in(info.context, email=input.email, password=input.password)
        if outcome.value is None:
            return SignInPayload(therapist=None, token=None, user_errors=user_errors(outcome.errors))
        therapist, token = outcome.value
        return SignInPayload(
            therapist=Therapist.from_domain(therapist, info), token=token, user_errors=[]
        )

    @strawberry.mutation(description="Revoke the bearer token this request carries.")
    async def sign_out(self, info: strawberry.Info) -> SignOutPayload:
        return SignOutPayload(signed_out=await accounts.sign_out(info.context))

    @strawberry.mutation(description="Change display name, username, time zone, office address.")
    async def update_profile(
        self, info: strawberry.Info, input: UpdateProfileInput
    ) -> UpdateProfilePayload:
        address = input.office_address
        changes = ProfileChanges(
            display_name=input.display_name, username=input.username, time_zone=input.time_zone,
            office_address=DomainAddress(address.street, address.city, address.state, address.zip)
            if address else None,
            clear_office_address=input.clear_office_address,
            booking_horizon_days=input.booking_horizon_days,
            clear_booking_horizon=input.clear_booking_horizon,
        )
        outcome = await accounts.update_profile(info.context, changes)
        return UpdateProfilePayload(
            therapist=Therapist.from_domain(outcome.value, info) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
