"""joinWaitlist: from the booking page, wait for a time between two dates (no sign-in)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from domain.services.waitlist import JoinWaitlist
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.mutations.booking.book_session import BookingClientInput
from schema.sessions import SessionVisit


@strawberry.input(description="Who waits for which event type over which dates.")
class JoinWaitlistInput:
    username: str = strawberry.field(description="The therapist's booking-page username.")
    event_type_id: strawberry.ID = strawberry.field(description="One of the page's event types; NOT_FOUND "
                                                    "otherwise.")
    first_date: dt.date = strawberry.field(description="First date, on the therapist's clock (the booking "
                                           "page's dates).")
    last_date: dt.date = strawberry.field(description="Last date (inclusive); at most 62 dates in all "
                                          "(RANGE_TOO_LONG), not passed (OUT_OF_RANGE).")
    visit_type: SessionVisit | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="May be omitted when the event type allows only one.")
    client: BookingClientInput = strawberry.field(description="Who waits; the same rules as a booking.")
    time_zone: str = strawberry.field(description="The client's IANA zone: emails show times in it.")

    def to_command(self) -> JoinWaitlist:
        c = self.client
        return JoinWaitlist(
            username=self.username, event_type_id=global_ids.decode_as(self.event_type_id, "EventType"),
            first_date=self.first_date, last_date=self.last_date, visit=self.visit_type,
            first_name=c.first_name, last_name=c.last_name, email=c.email, phone=c.phone,
            time_zone=self.time_zone)


@strawberry.type(description="Whether the client is on the waitlist, or why not.")
class JoinWaitlistPayload:
    joined: bool = strawberry.field(description="True when they are on it (an email confirms, with a link "
                                    "to leave). Says nothing about the therapist's calendar.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome) -> JoinWaitlistPayload:
        return cls(joined=outcome.value is not None, user_errors=user_errors(outcome.errors))


@strawberry.mutation(description="Public: join an event type's waitlist for a range of dates. When a time "
                     "in it frees up, the earliest waiting client is emailed a link that holds it for "
                     "them for 15 minutes. Rate-limited per client address (RATE_LIMITED), like bookSession.")
async def join_waitlist(
    info: strawberry.Info,
    input: Annotated[JoinWaitlistInput, strawberry.argument(description="Who, what and when.")],
) -> JoinWaitlistPayload:
    return JoinWaitlistPayload.of(await run(info.context, input.to_command()))
