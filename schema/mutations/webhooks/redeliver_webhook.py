"""redeliverWebhook: send a delivery again now, with its original webhook-id."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.webhooks import RedeliverWebhook
from resolvers.global_ids import decode_as
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.webhooks import WebhookDelivery


@strawberry.input(description="The delivery to send again.")
class RedeliverWebhookInput:
    delivery_id: strawberry.ID = strawberry.field(description="One of your deliveries; NOT_FOUND otherwise.")

    def to_command(self) -> RedeliverWebhook:
        return RedeliverWebhook(decode_as(self.delivery_id, "WebhookDelivery"))


@strawberry.type(description="The delivery, queued again, or why not.")
class RedeliverWebhookPayload:
    delivery: WebhookDelivery | None = strawberry.field(description="Now PENDING; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(description="NOT_FOUND on deliveryId.")

    @classmethod
    def of(cls, outcome: Outcome) -> RedeliverWebhookPayload:
        return cls(delivery=WebhookDelivery.from_domain(outcome.value) if outcome.value else None,
                   user_errors=user_errors(outcome.errors))


@strawberry.mutation(description="Send a delivery again now (one attempt, then retries as usual), "
                     "with the same webhook-id so the receiver can drop it if it already has it.")
async def redeliver_webhook(
    info: strawberry.Info,
    input: Annotated[RedeliverWebhookInput, strawberry.argument(description="The delivery.")],
) -> RedeliverWebhookPayload:
    return RedeliverWebhookPayload.of(await run(info.context, input.to_command()))
