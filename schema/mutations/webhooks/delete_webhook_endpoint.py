"""deleteWebhookEndpoint: stop sending to a URL and forget its deliveries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.webhooks import DeleteWebhookEndpoint
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.mutations.webhooks.shared import endpoint_id
from schema.webhooks import endpoint_gid


@strawberry.input(description="The endpoint to delete.")
class DeleteWebhookEndpointInput:
    endpoint_id: strawberry.ID = strawberry.field(description="One of your endpoints; NOT_FOUND otherwise.")

    def to_command(self) -> DeleteWebhookEndpoint:
        return DeleteWebhookEndpoint(endpoint_id(self.endpoint_id))


@strawberry.type(description="Which endpoint was deleted, or why nothing was changed.")
class DeleteWebhookEndpointPayload:
    deleted_endpoint_id: strawberry.ID | None = strawberry.field(
        description="The deleted endpoint's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="NOT_FOUND on endpointId.")

    @classmethod
    def of(cls, outcome: Outcome) -> DeleteWebhookEndpointPayload:
        return cls(deleted_endpoint_id=endpoint_gid(outcome.value) if outcome.value else None,
                   user_errors=user_errors(outcome.errors))


@strawberry.mutation(description="Delete a webhook endpoint: nothing more is sent to it, pending "
                     "retries included, and its delivery record goes with it.")
async def delete_webhook_endpoint(
    info: strawberry.Info,
    input: Annotated[DeleteWebhookEndpointInput, strawberry.argument(description="The endpoint.")],
) -> DeleteWebhookEndpointPayload:
    return DeleteWebhookEndpointPayload.of(await run(info.context, input.to_command()))
