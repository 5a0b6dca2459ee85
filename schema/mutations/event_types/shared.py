"""The payload of the event-type create and edit."""

from __future__ import annotations

import strawberry

from domain.services.event_types import BookingRuleFields
from resolvers.outcome import Outcome
from schema.common import UserError, user_errors
from schema.event_types import EventType

NAME_IN_EMAILS = (
    "Name this type (its title) in the emails about its sessions, never in reminders. Off by "
    "default: a title like \"Couples intake\" tells whoever reads the client's mail what the care is."
)


@strawberry.type(description="The event type after a create or edit, or why nothing was changed.")
class EventTypePayload:
    event_type: EventType | None = strawberry.field(
        description="The event type after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> EventTypePayload:
        return cls(
            event_type=EventType.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.input(description="An event type's booking rules, set as a whole (fields left out take "
                  "their defaults).")
class BookingRulesInput:
    buffer_before_minutes: int = strawberry.field(default=0, description="0–240 minutes kept free of "
                                                  "other sessions and Outlook busy times before a booking.")
    buffer_after_minutes: int = strawberry.field(default=0, description="0–240 minutes kept free after.")
    minimum_notice_minutes: int | None = strawberry.field(
        default=None, description="0–86,400 minutes; null: the default 30 minutes.")
    max_bookings_per_day: int | None = strawberry.field(
        default=None, description="1–48 sessions of this type per date; null: no cap.")
    booking_window_days: int | None = strawberry.field(
        default=None, description="1–730 days ahead; null: the practice's horizon only.")

    def as_rules(self) -> BookingRuleFields:
        """A part of the event type's command (not a command: `to_*` names build commands)."""
        return BookingRuleFields(self.buffer_before_minutes, self.buffer_after_minutes,
                                 self.minimum_notice_minutes, self.max_bookings_per_day,
                                 self.booking_window_days)
