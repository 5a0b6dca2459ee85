"""signUp: a new therapist account and its first bearer token (no sign-in)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.accounts import SignUp
from resolvers.outcome import Outcome
from resolvers.use_cases import run
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

    def to_command(self) -> SignUp:
        return SignUp(self.email, self.password, self.display_name, self.username, self.time_zone)


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

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> SignUpPayload:
        if outcome.value is None:
            return cls(therapist=None, token=None, user_errors=user_errors(outcome.errors))
        therapist, token = outcome.value
        return cls(therapist=Therapist.from_domain(therapist, info), token=token, user_errors=[])


@strawberry.mutation(description="Create a therapist account; returns a bearer token. Rate-limited per "
    "client address (RATE_LIMITED; every attempt counts, valid or not).")
async def sign_up(
    info: strawberry.Info,
    input: Annotated[SignUpInput, strawberry.argument(description="The account to create.")],
) -> SignUpPayload:
    return SignUpPayload.of(info, await run(info.context, input.to_command()))
