"""The public booking mutation."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers import booking
from schema.booking import BookingConfirmation
from schema.common import UserError, user_errors
from schema.sessions import SessionVisit


@strawberry.input(description="Who is booking. Stored as an intake client of the therapist.")
class BookingClientInput:
    first_name: str = strawberry.field(description="1–100 characters.")
    last_name: str = strawberry.field(description="1–100 characters.")
    email: str
    phone: str | None = None


@strawberry.input(description="A booking from the public page.")
class BookSessionInput:
    username: str = strawberry.field(description="The therapist's booking-page username.")
    event_type_id: strawberry.ID
    start: datetime = strawberry.field(description="A start from `availableSlots`.")
    visit_type: SessionVisit | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="May be omitted when the event type allows only one."
    )
    client: BookingClientInput
    time_zone: str = strawberry.field(description="The client's IANA zone, for showing times.")
    idempotency_key: str = strawberry.field(
        description="Any unique string per booking attempt (e.g. a UUID); a retry with the same "
        "key returns the first booking instead of booking twice."
    )


@strawberry.type
class BookSessionPayload:
    confirmation: BookingConfirmation | None
    user_errors: list[UserError]


@strawberry.type
class BookingMutations:
    @strawberry.mutation(
        description="Book a slot (public). Rate-limited per client address (RATE_LIMITED); "
        "a taken or unlisted slot is the user error SLOT_UNAVAILABLE."
    )
    async def book_session(self, info: strawberry.Info, input: BookSessionInput) -> BookSessionPayload:
        c = input.client
        outcome = await booking.book(
            info.context, username=input.username, event_type_id=input.event_type_id,
            start=input.start, visit=input.visit_type, first_name=c.first_name,
            last_name=c.last_name, email=c.email, phone=c.phone, time_zone=input.time_zone,
            idempotency_key=input.idempotency_key,
        )
        return BookSessionPayload(
            confirmation=BookingConfirmation.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
