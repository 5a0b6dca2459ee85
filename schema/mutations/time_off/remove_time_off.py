"""removeTimeOff: its slots are bookable again at once."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.time_off import RemoveTimeOff
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.input(description="The time off to remove.")
class RemoveTimeOffInput:
    time_off_id: strawberry.ID = strawberry.field(
        description="One of your time-off entries; NOT_FOUND otherwise."
    )

    def to_command(self) -> RemoveTimeOff:
        return RemoveTimeOff(global_ids.decode_as(self.time_off_id, "TimeOff"))


@strawberry.type(description="Which time off was removed, or why nothing was changed.")
class RemoveTimeOffPayload:
    removed_time_off_id: strawberry.ID | None = strawberry.field(
        description="The removed entry's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> RemoveTimeOffPayload:
        return cls(
            removed_time_off_id=(
                strawberry.ID(global_ids.encode("TimeOff", outcome.value)) if outcome.value else None
            ),
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(description="Remove time off; its slots are bookable again at once.")
async def remove_time_off(
    info: strawberry.Info,
    input: Annotated[RemoveTimeOffInput, strawberry.argument(description="The time off to remove.")],
) -> RemoveTimeOffPayload:
    return RemoveTimeOffPayload.of(await run(info.context, input.to_command()))
