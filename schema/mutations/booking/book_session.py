"""bookSession: a booking from the public page (no sign-in)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.services.booking import BookingRequest
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.booking import BookingConfirmation
from schema.common import UserError, user_errors
from schema.sessions import SessionVisit


@strawberry.input(description="Who is booking. Stored as an intake client of the therapist.")
class BookingClientInput:
    first_name: str = strawberry.field(description="1–100 characters. One line: no control characters or "
        "line breaks (else INVALID_CHARACTERS).")
    last_name: str = strawberry.field(description="1–100 characters. One line: no control characters or "
        "line breaks (else INVALID_CHARACTERS).")
    email: str = strawberry.field(description="A real address (email-validator's rules, no DNS check; else "
        "INVALID_EMAIL); stored lower-case.")
    phone: str | None = strawberry.field(
        default=None, description="Optional: digits, spaces and + ( ) . / - (3–40 characters)."
    )


@strawberry.input(description="A booking from the public page.")
class BookSessionInput:
    username: str = strawberry.field(description="The therapist's booking-page username.")
    event_type_id: strawberry.ID = strawberry.field(
        description="One of the page's event types (see `bookingPage`); NOT_FOUND otherwise."
    )
    start: datetime = strawberry.field(description="A start from `availableSlots`, with a UTC offset.")
    visit_type: SessionVisit | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="May be omitted when the event type allows only one."
    )
    client: BookingClientInput = strawberry.field(
        description="The person booking; they land in the therapist's New bookings."
    )
    time_zone: str = strawberry.field(description="The client's zone, for showing times. IANA zone from "
        "tzdata, e.g. America/New_York; an old link name (US/Eastern) is stored as the zone it names; "
        "localtime, Factory and unknown names are INVALID_TIME_ZONE.")
    idempotency_key: str = strawberry.field(
        description="Any unique string per booking attempt (e.g. a UUID; 1–200 characters, one "
        "line); a retry with the same key and the same details returns the first booking instead "
        "of booking twice. The same key with other details (event type, start, visit type, "
        "client, zone) answers IDEMPOTENCY_KEY_REUSED and reveals nothing of the first booking."
    )

    def to_command(self) -> BookingRequest:
        c = self.client
        return BookingRequest(
            username=self.username, event_type_id=global_ids.decode_as(self.event_type_id, "EventType"),
            start=self.start, visit=self.visit_type, first_name=c.first_name, last_name=c.last_name,
            email=c.email, phone=c.phone, time_zone=self.time_zone,
            idempotency_key=self.idempotency_key,
        )


@strawberry.type(description="The booking's confirmation, or why nothing was booked.")
class BookSessionPayload:
    confirmation: BookingConfirmation | None = strawberry.field(
        description="What to show the client; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> BookSessionPayload:
        return cls(
            confirmation=BookingConfirmation.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(
    description="Book a slot (public). Rate-limited per client address (RATE_LIMITED); "
    "a taken or unlisted slot, or a start less than 30 minutes ahead, is the user error "
    "SLOT_UNAVAILABLE."
)
async def book_session(
    info: strawberry.Info,
    input: Annotated[BookSessionInput, strawberry.argument(
        description="The slot, the event type and who is booking."
    )],
) -> BookSessionPayload:
    return BookSessionPayload.of(await run(info.context, input.to_command()))


