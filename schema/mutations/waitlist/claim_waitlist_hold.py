"""claimWaitlistHold: book the time a waitlist email holds (no sign-in; the link is the credential)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.waitlist import ClaimWaitlistHold
from resolvers.use_cases import run
from schema.mutations.booking.book_session import BookSessionPayload


@strawberry.input(description="The claim link's token.")
class ClaimWaitlistHoldInput:
    token: str = strawberry.field(description="The `token` parameter of the claim link.")

    def to_command(self) -> ClaimWaitlistHold:
        return ClaimWaitlistHold(self.token)


@strawberry.mutation(description="Public: book the held time for the client the offer was sent to, as "
                     "bookSession would (an intake booking, confirmed by email). Claiming again answers "
                     "the same booking. userErrors: INVALID_WAITLIST_LINK, HOLD_EXPIRED (15 minutes "
                     "passed), HOLD_ENDED (left or removed), SLOT_UNAVAILABLE. Audited as that client.")
async def claim_waitlist_hold(
    info: strawberry.Info,
    input: Annotated[ClaimWaitlistHoldInput, strawberry.argument(description="The link's token.")],
) -> BookSessionPayload:
    return BookSessionPayload.of(await run(info.context, input.to_command()))
