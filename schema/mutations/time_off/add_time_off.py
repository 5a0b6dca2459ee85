"""addTimeOff: block time in the therapist's zone; booked sessions are not touched."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.time_off import AddTimeOff
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.time_off import TimeOff


@strawberry.input(description="Time off in the therapist's zone.")
class AddTimeOffInput:
    start_date: str = strawberry.field(description="YYYY-MM-DD, from 2000-01-01 to 2199-12-31 (else "
        "OUT_OF_RANGE).")
    end_date: str = strawberry.field(description="YYYY-MM-DD, on or after the start date; at most "
        "2199-12-31.")
    all_day: bool = strawberry.field(description="Whole days; times are ignored.")
    start_time: str | None = strawberry.field(default=None, description="HH:MM or H:MM on the start date.")
    end_time: str | None = strawberry.field(default=None, description="HH:MM or H:MM on the end date.")
    reason: str | None = strawberry.field(default=None, description="Private, up to 500 characters. One "
        "line: no control characters or line breaks (else INVALID_CHARACTERS).")

    def to_command(self) -> AddTimeOff:
        return AddTimeOff(
            start_date=self.start_date, end_date=self.end_date, all_day=self.all_day,
            start_time=self.start_time, end_time=self.end_time, reason=self.reason,
        )


@strawberry.type(description="The new time off, or why nothing was changed.")
class TimeOffPayload:
    time_off: TimeOff | None = strawberry.field(
        description="The time off after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> TimeOffPayload:
        return cls(
            time_off=TimeOff.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(description="Block time; booked sessions are not touched.")
async def add_time_off(
    info: strawberry.Info,
    input: Annotated[AddTimeOffInput, strawberry.argument(description="The time off to add.")],
) -> TimeOffPayload:
    return TimeOffPayload.of(await run(info.context, input.to_command()))
