"""updateEventType: edit an event type; sessions already booked keep theirs."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.event_types import EventTypeEdit
from resolvers import global_ids
from resolvers.use_cases import run
from schema.common import VisitType
from schema.mutations.event_types.shared import NAME_IN_EMAILS, BookingRulesInput, EventTypePayload


@strawberry.input(description="Fields left out (null) stay as they are; \"\" clears description.")
class UpdateEventTypeInput:
    event_type_id: strawberry.ID = strawberry.field(
        description="One of your event types; NOT_FOUND otherwise."
    )
    title: str | None = strawberry.field(default=None, description="1–120 characters. One line: no control "
        "characters or line breaks (else INVALID_CHARACTERS).")
    minutes: int | None = strawberry.field(default=None, description="Session length, 5–720.")
    visit_type: VisitType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Where its sessions may take place."
    )
    description: str | None = strawberry.field(
        default=None, description="Up to 2,000 characters; \"\" clears it."
    )
    slot_interval_minutes: int | None = strawberry.field(default=None, description="5–240.")
    reset_slot_interval: bool = strawberry.field(
        default=False, description="Go back to the default interval."
    )
    price_cents: int | None = strawberry.field(
        default=None, description="New default fee in cents (≥ 0); needs `currency`."
    )
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code of the price.")
    clear_price: bool = strawberry.field(default=False, description="No default fee.")
    booking_rules: BookingRulesInput | None = strawberry.field(
        default=None, description="Replaces all booking rules at once; left out: they stay.")
    name_in_emails: bool | None = strawberry.field(default=None, description=NAME_IN_EMAILS)

    def to_command(self) -> EventTypeEdit:
        return EventTypeEdit(
            self.title, self.minutes, self.visit_type, self.description, self.slot_interval_minutes,
            self.reset_slot_interval, price_cents=self.price_cents, currency=self.currency,
            clear_price=self.clear_price,
            rules=self.booking_rules.as_rules() if self.booking_rules else None,
            name_in_emails=self.name_in_emails,
            event_type_id=global_ids.decode_as(self.event_type_id, "EventType"),
        )


@strawberry.mutation(description="Edit an event type; sessions already booked keep theirs.")
async def update_event_type(
    info: strawberry.Info,
    input: Annotated[UpdateEventTypeInput, strawberry.argument(
        description="The event type and the fields to change."
    )],
) -> EventTypePayload:
    return EventTypePayload.of(await run(info.context, input.to_command()))
