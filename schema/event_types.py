"""Event types: what a client can book."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain import model
from domain.booking import MIN_NOTICE_MINUTES, grid_minutes
from resolvers import global_ids
from schema.common import Money, Node, VisitType


@strawberry.type(description="How the booking page offers an event type's slots. Buffers shape free "
                 "slots only: sessions placed back to back by hand are never conflicts.")
class BookingRules:
    buffer_before_minutes: int = strawberry.field(
        description="Minutes before a booked session kept free of other sessions and Outlook busy times.")
    buffer_after_minutes: int = strawberry.field(
        description="Minutes after a booked session kept free of other sessions and Outlook busy times.")
    minimum_notice_minutes: int = strawberry.field(
        description="How long before a start it can still be booked (default 30).")
    max_bookings_per_day: int | None = strawberry.field(
        description="At most this many sessions of this event type on one date (therapist's clock); "
        "null = no cap.")
    booking_window_days: int | None = strawberry.field(
        description="How many days ahead clients may book it; null = the practice's bookingHorizonDays "
        "only (the tighter of the two applies).")

    @classmethod
    def from_domain(cls, e: model.EventType) -> BookingRules:
        return cls(
            buffer_before_minutes=e.buffer_before_minutes, buffer_after_minutes=e.buffer_after_minutes,
            minimum_notice_minutes=(MIN_NOTICE_MINUTES if e.min_notice_minutes is None
                                    else e.min_notice_minutes),
            max_bookings_per_day=e.max_per_day, booking_window_days=e.booking_window_days,
        )


@strawberry.type(description="A bookable kind of session: title, length, where it happens.")
class EventType(Node):
    title: str = strawberry.field(description="Shown on the booking page, 1–120 characters.")
    minutes: int = strawberry.field(description="Session length in minutes (5–720).")
    visit_type: VisitType = strawberry.field(description="Telehealth, in person, or both.")  # type: ignore[valid-type]
    description: str | None = strawberry.field(description="Optional, up to 2,000 characters.")
    slot_interval_minutes: int = strawberry.field(
        description="Minutes between offered start times on the booking page."
    )
    custom_slot_interval: bool = strawberry.field(
        description="False when the interval is the default: the length rounded up to 15 minutes."
    )
    price: Money | None = strawberry.field(
        description="Default fee of its sessions; null = no fee. Each session can override it."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    booking_rules: BookingRules = strawberry.field(
        description="Buffers, minimum notice, daily cap and booking window of the booking page.")
    name_in_emails: bool = strawberry.field(
        description="Whether emails about its sessions name it (never reminders); off by default."
    )

    @classmethod
    def from_domain(cls, e: model.EventType) -> EventType:
        return cls(
            id=strawberry.ID(global_ids.encode("EventType", e.id)), title=e.title,
            minutes=e.minutes, visit_type=e.visit_type, description=e.description,
            created_at=e.created_at, slot_interval_minutes=grid_minutes(e),
            custom_slot_interval=e.slot_interval_minutes is not None,
            price=Money.of(e.price_cents, e.currency), booking_rules=BookingRules.from_domain(e),
            name_in_emails=e.name_in_emails,
        )
