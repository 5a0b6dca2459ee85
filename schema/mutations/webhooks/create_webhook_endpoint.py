"""createWebhookEndpoint: register a URL for signed webhook messages."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.webhooks import CreateWebhookEndpoint
from resolvers.use_cases import run
from schema.mutations.webhooks.shared import WebhookSecretPayload
from schema.webhooks import WebhookEventType


@strawberry.input(description="Where to send which events.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="An https:// URL, at most 2000 characters. Private, loopback and link-local "
        "addresses are refused (PRIVATE_ADDRESS)."
    )
    events: list[WebhookEventType] = strawberry.field(  # type: ignore[valid-type]
        description="The events to receive; at least one."
    )

    def to_command(self) -> CreateWebhookEndpoint:
        return CreateWebhookEndpoint(url=self.url, events=tuple(self.events))


@strawberry.mutation(
    description="Register a webhook endpoint (at most 10). Messages are signed per Standard "
    "Webhooks (webhook-id, webhook-timestamp, webhook-signature) with the secret returned once here."
)
async def create_webhook_endpoint(
    info: strawberry.Info,
    input: Annotated[CreateWebhookEndpointInput, strawberry.argument(description="URL and events.")],
) -> WebhookSecretPayload:
    return WebhookSecretPayload.of(await run(info.context, input.to_command()))
