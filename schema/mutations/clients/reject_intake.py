"""rejectIntake: the intake client and their booked sessions go; the slots are free again."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.global_ids import encode
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.mutations.clients.shared import IntakeInput


@strawberry.type(description="Which intake client was removed, or why nothing was changed.")
class RejectIntakePayload:
    removed_client_id: strawberry.ID | None = strawberry.field(
        description="The removed client's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> RejectIntakePayload:
        return cls(
            removed_client_id=strawberry.ID(encode("Client", outcome.value)) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(
    description="Reject an intake client: the record and their booked sessions are removed "
    "and the slots are free again."
)
async def reject_intake(
    info: strawberry.Info,
    input: Annotated[IntakeInput, strawberry.argument(description="The intake client.")],
) -> RejectIntakePayload:
    return RejectIntakePayload.of(await run(info.context, input.to_reject()))
