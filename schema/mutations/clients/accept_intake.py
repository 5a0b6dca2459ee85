"""acceptIntake: an intake client from New bookings becomes an active client."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.use_cases import run
from schema.mutations.clients.shared import ClientPayload, IntakeInput


@strawberry.mutation(description="Accept an intake client: they become an active client.")
async def accept_intake(
    info: strawberry.Info,
    input: Annotated[IntakeInput, strawberry.argument(description="The intake client.")],
) -> ClientPayload:
    return ClientPayload.of(await run(info.context, input.to_accept()))
