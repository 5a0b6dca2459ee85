"""What the client mutations share: the payload, and the input naming an intake client."""

from __future__ import annotations

import strawberry

from domain.services.clients import AcceptIntake, RejectIntake
from resolvers.clients import client_id
from resolvers.outcome import Outcome
from schema.clients import Client
from schema.common import UserError, user_errors


@strawberry.input(description="The intake client to accept or reject.")
class IntakeInput:
    client_id: strawberry.ID = strawberry.field(description="An intake client from `newBookings`.")

    def to_accept(self) -> AcceptIntake:
        return AcceptIntake(client_id(self.client_id))

    def to_reject(self) -> RejectIntake:
        return RejectIntake(client_id(self.client_id))


@strawberry.type(description="The client after the change, or why nothing was changed.")
class ClientPayload:
    client: Client | None = strawberry.field(
        description="The client after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> ClientPayload:
        return cls(
            client=Client.from_domain(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
