"""Time-off mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import time_off
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


@strawberry.input(description="The time off to remove.")
class RemoveTimeOffInput:
    time_off_id: strawberry.ID = strawberry.field(
        description="One of your time-off entries; NOT_FOUND otherwise."
    )


@strawberry.type(description="The new time off, or why nothing was changed.")
class TimeOffPayload:
    time_off: TimeOff | None = strawberry.field(
        description="The time off after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


@strawberry.type(description="Which time off was removed, or why nothing was changed.")
class RemoveTimeOffPayload:
    removed_time_off_id: strawberry.ID | None = strawberry.field(
        description="The removed entry's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


@strawberry.type
class TimeOffMutations:
    @strawberry.mutation(description="Block time; booked sessions are not touched.")
    async def add_time_off(
        self, info: strawberry.Info,
        input: Annotated[AddTimeOffInput, strawberry.argument(description="The time off to add.")],
    ) -> TimeOffPayload:
        outcome = await time_off.add(
            info.context, start_date=input.start_date, end_date=input.end_date,
            all_day=input.all_day, start_time=input.start_time, end_time=input.end_time,
            reason=input.reason,
        )
        return TimeOffPayload(
            time_off=TimeOff.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )

    @strawberry.mutation(description="Remove time off; its slots are bookable again at once.")
    async def remove_time_off(
        self, info: strawberry.Info,
        input: Annotated[RemoveTimeOffInput, strawberry.argument(
            description="The time off to remove."
        )],
    ) -> RemoveTimeOffPayload:
        outcome = await time_off.remove(info.context, input.time_off_id)
        return RemoveTimeOffPayload(
            removed_time_off_id=strawberry.ID(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
