"""recordPayment: a payment towards a session's fee; the payment status follows from the fee."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import RecordPayment
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.shared import SessionWorkPayload
from schema.sessions import PaymentMethod


@strawberry.input(description="A payment towards a session's fee.")
class RecordPaymentInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    amount_cents: int = strawberry.field(description="Positive amount in cents.")
    currency: str = strawberry.field(description="ISO 4217 code; must match the session fee's.")
    method: PaymentMethod = strawberry.field(description="How it was paid.")

    def to_command(self) -> RecordPayment:
        return RecordPayment(
            session_id=global_ids.decode_as(self.session_id, "Session"), amount_cents=self.amount_cents,
            currency=self.currency, method=self.method.value,
        )


@strawberry.mutation(description="Record a payment; the payment status is derived from the fee.")
async def record_payment(
    info: strawberry.Info,
    input: Annotated[RecordPaymentInput, strawberry.argument(description="The session and the payment.")],
) -> SessionWorkPayload:
    return SessionWorkPayload.of(info, await run(info.context, input.to_command()))
