"""mergeIntake: an intake client's sessions move to an existing active client."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.clients import MergeIntake
from resolvers.clients import client_id
from resolvers.use_cases import run
from schema.mutations.clients.shared import ClientPayload


@strawberry.input(description="An intake client and the active client to merge it into.")
class MergeIntakeInput:
    client_id: strawberry.ID = strawberry.field(description="The intake client.")
    into_client_id: strawberry.ID = strawberry.field(description="An existing active client.")
    take_contact_details: bool = strawberry.field(
        default=False, description="Replace the active client's email with the one typed when booking, "
        "and their phone and time zone when given (links sent to the old email stop working).")

    def to_command(self) -> MergeIntake:
        return MergeIntake(client_id(self.client_id), client_id(self.into_client_id),
                           take_contact_details=self.take_contact_details)


@strawberry.mutation(
    description="Merge an intake client into an existing active client: the booked sessions "
    "move over and the intake record goes away. Returns the active client."
)
async def merge_intake(
    info: strawberry.Info,
    input: Annotated[MergeIntakeInput, strawberry.argument(
        description="The intake client and the active client to keep."
    )],
) -> ClientPayload:
    return ClientPayload.of(await run(info.context, input.to_command()))
