"""cancelManagedBooking: a client cancels with the link from their confirmation (no sign-in)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.manage_links import CancelManagedBooking
from resolvers import manage_links
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.manage_booking import ManagedBooking


@strawberry.input(description="The manage-booking link's token.")
class CancelManagedBookingInput:
    token: str = strawberry.field(description="The `token` parameter of the link in the confirmation.")

    def to_command(self) -> CancelManagedBooking:
        return CancelManagedBooking(self.token)


@strawberry.type(description="The cancelled session and where to book another time, or why not.")
class CancelManagedBookingPayload:
    booking: ManagedBooking | None = strawberry.field(
        description="The session, now cancelled; null on userErrors.")
    rebook_url: str | None = strawberry.field(
        description="The therapist's booking page, to choose another time; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_MANAGE_LINK, MANAGE_LINK_EXPIRED, TOO_LATE_TO_CANCEL (within 24 hours of "
        "the start), SESSION_CANCELLED; nothing was changed.")

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> CancelManagedBookingPayload:
        """The cancelled session with the rebook link, or the user errors."""
        if outcome.value is None:
            return cls(booking=None, rebook_url=None, user_errors=user_errors(outcome.errors))
        ctx = info.context
        url = manage_links.booking_page_url(ctx, outcome.value)
        return cls(booking=ManagedBooking.of(outcome.value, url, ctx.services.clock.now()),
                   rebook_url=url, user_errors=[])


@strawberry.mutation(description="Public: cancel the session a manage-booking link is for, at least "
                     "24 hours before it starts. The therapist is emailed; the client gets a calendar "
                     "cancellation and a link to book another time. Audited as that client.")
async def cancel_managed_booking(
    info: strawberry.Info,
    input: Annotated[CancelManagedBookingInput, strawberry.argument(description="The link's token.")],
) -> CancelManagedBookingPayload:
    return CancelManagedBookingPayload.of(info, await run(info.context, input.to_command()))
