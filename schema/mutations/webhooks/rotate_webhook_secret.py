"""rotateWebhookSecret: a new signing secret; the old one keeps signing for 24 hours."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.webhooks import RotateWebhookSecret
from resolvers.use_cases import run
from schema.mutations.webhooks.shared import WebhookSecretPayload, endpoint_id


@strawberry.input(description="The endpoint whose secret to replace.")
class RotateWebhookSecretInput:
    endpoint_id: strawberry.ID = strawberry.field(description="One of your endpoints; NOT_FOUND otherwise.")

    def to_command(self) -> RotateWebhookSecret:
        return RotateWebhookSecret(endpoint_id(self.endpoint_id))


@strawberry.mutation(
    description="Replace an endpoint's signing secret. For 24 hours every message carries two "
    "signatures, one per secret, so the receiver can switch without losing a message."
)
async def rotate_webhook_secret(
    info: strawberry.Info,
    input: Annotated[RotateWebhookSecretInput, strawberry.argument(description="The endpoint.")],
) -> WebhookSecretPayload:
    return WebhookSecretPayload.of(await run(info.context, input.to_command()))
