"""leaveWaitlist: the link in every waitlist email (no sign-in)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.waitlist import LeaveWaitlist
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.input(description="The leave link's token.")
class LeaveWaitlistInput:
    token: str = strawberry.field(description="The `token` parameter of the leave link.")

    def to_command(self) -> LeaveWaitlist:
        return LeaveWaitlist(self.token)


@strawberry.type(description="Whether the client left, or why not.")
class LeaveWaitlistPayload:
    left: bool = strawberry.field(description="True once off the waitlist (also when already left).")
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_WAITLIST_LINK, NOT_WAITING (booked, removed or lapsed); nothing was changed.")

    @classmethod
    def of(cls, outcome: Outcome) -> LeaveWaitlistPayload:
        return cls(left=outcome.value is not None, user_errors=user_errors(outcome.errors))


@strawberry.mutation(description="Public: leave the waitlist with the link of any waitlist email. A time "
                     "held for the client goes to the next person waiting. Audited as that client.")
async def leave_waitlist(
    info: strawberry.Info,
    input: Annotated[LeaveWaitlistInput, strawberry.argument(description="The link's token.")],
) -> LeaveWaitlistPayload:
    return LeaveWaitlistPayload.of(await run(info.context, input.to_command()))
