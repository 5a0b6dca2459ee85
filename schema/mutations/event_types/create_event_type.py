"""createEventType: a new event type (at most 15 per therapist)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.event_types import EventTypeFields
from resolvers.use_cases import run
from schema.common import VisitType
from schema.mutations.event_types.shared import NAME_IN_EMAILS, BookingRulesInput, EventTypePayload


@strawberry.input(description="A new event type.")
class CreateEventTypeInput:
    title: str = strawberry.field(description="Shown on the booking page, 1–120 characters. One line: no "
        "control characters or line breaks (else INVALID_CHARACTERS).")
    minutes: int = strawberry.field(description="5–720; common: see `commonSessionLengths`.")
    visit_type: VisitType = strawberry.field(  # type: ignore[valid-type]
        description="Where its sessions may take place."
    )
    description: str | None = strawberry.field(
        default=None,
        description="Optional text shown on the booking page, up to 2,000 characters; blank = none. Line "
            "breaks and tabs are kept; other control characters are INVALID_CHARACTERS.",
    )
    slot_interval_minutes: int | None = strawberry.field(
        default=None, description="5–240; default: the length rounded up to 15 minutes."
    )
    price_cents: int | None = strawberry.field(
        default=None, description="Default session fee in cents (≥ 0); needs `currency`."
    )
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code of the price.")
    booking_rules: BookingRulesInput | None = strawberry.field(
        default=None, description="Buffers, notice, daily cap, booking window; default: none but 30 "
        "minutes' notice.")
    name_in_emails: bool = strawberry.field(default=False, description=NAME_IN_EMAILS)

    def to_command(self) -> EventTypeFields:
        return EventTypeFields(
            self.title, self.minutes, self.visit_type, self.description, self.slot_interval_minutes,
            price_cents=self.price_cents, currency=self.currency,
            rules=self.booking_rules.as_rules() if self.booking_rules else None,
            name_in_emails=self.name_in_emails,
        )


@strawberry.mutation(description="Add an event type (at most 15; LIMIT_REACHED after).")
async def create_event_type(
    info: strawberry.Info,
    input: Annotated[CreateEventTypeInput, strawberry.argument(description="The new event type.")],
) -> EventTypePayload:
    return EventTypePayload.of(await run(info.context, input.to_command()))
