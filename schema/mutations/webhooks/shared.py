"""What the webhook mutations share: the payload that shows a secret once."""

from __future__ import annotations

import strawberry

from resolvers.global_ids import decode_as
from resolvers.outcome import Outcome
from schema.common import UserError, user_errors
from schema.webhooks import WebhookEndpoint


def endpoint_id(global_id: strawberry.ID):
    return decode_as(global_id, "WebhookEndpoint")


@strawberry.type(description="The endpoint and its signing secret, or why nothing was changed.")
class WebhookSecretPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(description="The endpoint; null on userErrors.")
    secret: str | None = strawberry.field(
        description="The signing secret (`whsec_…`, Standard Webhooks). Shown only here, once: "
        "store it where your receiver verifies signatures. Null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        description="INVALID, TOO_LONG or PRIVATE_ADDRESS on url; REQUIRED on events; LIMIT_REACHED "
        "(10 endpoints); NOT_FOUND on endpointId; WEBHOOKS_NOT_CONFIGURED."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> WebhookSecretPayload:
        made = outcome.value
        return cls(endpoint=WebhookEndpoint.from_domain(made.endpoint) if made else None,
                   secret=made.secret if made else None, user_errors=user_errors(outcome.errors))
