"""cancelManagedBooking: a client cancels with the link from their confirmation (no sign-in)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import manage_links
from schema.common import UserError, user_errors
from schema.manage_booking import ManagedBooking


@strawberry.input(description="The manage-booking link's token.")
class CancelManagedBookingInput:
    token: str = strawberry.field(description="The `token` parameter of the link in the confirmation.")


@strawberry.type(description="The cancelled session and where to book another time, or why not.")
class CancelManagedBookingPayload:
    booking: ManagedBooking | None = strawberry.field(
        description="The session, now cancelled; null on userErrors.")
    rebook_url: str | None = strawberry.field(
        description="The therapist's booking page, to choose another time; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_MANAGE_LINK, MANAGE_LINK_EXPIRED, TOO_LATE_TO_CANCEL (within 24 hours of "
        "the start), SESSION_CANCELLED; nothing was changed.")


@strawberry.type
class ManageBookingMutations:
    @strawberry.mutation(description="Public: cancel the session a manage-booking link is for, at least "
                         "24 hours before it starts. The therapist is emailed; the client gets a calendar "
                         "cancellation and a link to book another time. Audited as that client.")
    async def cancel_managed_booking(
        self, info: strawberry.Info,
        input: Annotated[CancelManagedBookingInput, strawberry.argument(description="The link's token.")],
    ) -> CancelManagedBookingPayload:
        ctx = info.context
        outcome = await manage_links.cancel(ctx, input.token)
        if outcome.value is None:
            return CancelManagedBookingPayload(booking=None, rebook_url=None,
                                               user_errors=user_errors(outcome.errors))
        url = manage_links.booking_page_url(ctx, outcome.value)
        return CancelManagedBookingPayload(
            booking=ManagedBooking.of(outcome.value, url, ctx.services.clock.now()), rebook_url=url,
            user_errors=[])
