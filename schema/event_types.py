"""Event types: what a client can book."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain import model
from domain.booking import grid_minutes
from resolvers import global_ids
from schema.common import Money, Node, VisitType


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
            price=Money.of(e.price_cents, e.currency), name_in_emails=e.name_in_emails,
        )
