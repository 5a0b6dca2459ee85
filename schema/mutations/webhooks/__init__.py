"""Webhook mutations, one module each: create, rotate the secret, delete, redeliver."""

import strawberry

from schema.mutations.webhooks.create_webhook_endpoint import create_webhook_endpoint
from schema.mutations.webhooks.delete_webhook_endpoint import delete_webhook_endpoint
from schema.mutations.webhooks.redeliver_webhook import redeliver_webhook
from schema.mutations.webhooks.rotate_webhook_secret import rotate_webhook_secret


@strawberry.type
class WebhookMutations:
    create_webhook_endpoint = create_webhook_endpoint
    rotate_webhook_secret = rotate_webhook_secret
    delete_webhook_endpoint = delete_webhook_endpoint
    redeliver_webhook = redeliver_webhook
