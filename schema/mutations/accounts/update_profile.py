"""updateProfile: display name, username, time zone, office address, booking horizon."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.model import OfficeAddress as DomainAddress
from domain.services.accounts import ProfileChanges
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.therapist import Therapist


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

    def to_command(self) -> ProfileChanges:
        address = self.office_address
        return ProfileChanges(
            display_name=self.display_name, username=self.username, time_zone=self.time_zone,
            office_address=DomainAddress(address.street, address.city, address.state, address.zip)
            if address else None,
            clear_office_address=self.clear_office_address,
            booking_horizon_days=self.booking_horizon_days,
            clear_booking_horizon=self.clear_booking_horizon, locale=self.locale,
        )


@strawberry.type(description="The profile after the update, or why it was not changed.")
class UpdateProfilePayload:
    therapist: Therapist | None = strawberry.field(
        description="The therapist after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> UpdateProfilePayload:
        return cls(
            therapist=Therapist.from_domain(outcome.value, info) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(description="Change display name, username, time zone, office address.")
async def update_profile(
    info: strawberry.Info,
    input: Annotated[UpdateProfileInput, strawberry.argument(
        description="The changes; fields left out stay as they are."
    )],
) -> UpdateProfilePayload:
    return UpdateProfilePayload.of(info, await run(info.context, input.to_command()))
