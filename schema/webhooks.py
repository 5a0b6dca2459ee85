"""Webhooks as the therapist sees them: endpoints and the record of deliveries (README:
"Webhooks"). Secrets are shown once, in the payload that made them, never here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain import webhooks as rules
from resolvers import global_ids
from resolvers import webhooks as reads
from resolvers.errors import bad_request
from schema.clients import PageInfo
from schema.common import PageAfter, PageSize
from schema.cost import bound
from schema.enums import described

WebhookEventType = described(
    "What a webhook tells. Messages carry IDs and times only, never names, notes or emails.",
    BOOKING_CREATED="`booking.created`: a client booked on the public page (sessionId, clientId, "
    "eventTypeId, start, end).",
    SESSION_RESCHEDULED="`session.rescheduled`: a session moved (sessionId, previousStart, "
    "previousEnd, start, end).",
    SESSION_CANCELLED="`session.cancelled`: a session was cancelled (sessionId, cancelledBy: "
    "THERAPIST or CLIENT).",
    INTAKE_ACCEPTED="`intake.accepted`: a New booking's client was accepted (clientId).",
    INTAKE_REJECTED="`intake.rejected`: a New booking's client was rejected (clientId).",
    INTAKE_MERGED="`intake.merged`: a New booking's client was merged into an existing client "
    "(clientId, intoClientId).",
)(rules.WebhookEvent)

WebhookDeliveryStatus = described(
    "Where a delivery stands.",
    PENDING="Waiting for its first attempt, or queued again (redeliverWebhook).",
    SENDING="An attempt is under way.",
    RETRYING="An attempt failed; the next one is due at `nextAttemptAt` (8 attempts over about 27 hours).",
    SUCCEEDED="The endpoint answered with a 2xx status.",
    FAILED="Every attempt failed; redeliverWebhook tries again.",
)(rules.DeliveryStatus)


def endpoint_gid(raw) -> strawberry.ID:
    return strawberry.ID(global_ids.encode("WebhookEndpoint", raw))


@strawberry.type(description="An HTTPS URL that receives signed webhook messages (Standard Webhooks).")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="Its global ID.")
    url: str = strawberry.field(description="Where messages are POSTed.")
    events: list[WebhookEventType] = strawberry.field(  # type: ignore[valid-type]
        description="The events it receives. Cost: counted as 6 (there are 6 kinds).",
        metadata=bound(items=len(rules.WebhookEvent)),
    )
    created_at: datetime = strawberry.field(description="When it was registered.")
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation, the old secret also signs messages until this instant (24 hours)."
    )

    @classmethod
    def from_domain(cls, e: rules.WebhookEndpoint) -> WebhookEndpoint:
        return cls(id=endpoint_gid(e.id), url=e.url, events=list(e.events), created_at=e.created_at,
                   previous_secret_valid_until=e.previous_until)


@strawberry.type(description="One message to one endpoint and how sending it went.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Its global ID (for redeliverWebhook).")
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint's global ID.")
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every attempt and redelivery (drop "
        "duplicates by it)."
    )
    event: WebhookEventType = strawberry.field(description="What it tells.")  # type: ignore[valid-type]
    payload: str = strawberry.field(description="The JSON body sent (type, timestamp, data: IDs and times).")
    status: WebhookDeliveryStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    last_response_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null before one, or after a timeout or "
        "connection failure."
    )
    last_attempt_at: datetime | None = strawberry.field(description="When the last attempt was made.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried again (RETRYING); null once it SUCCEEDED or FAILED."
    )
    created_at: datetime = strawberry.field(description="When the event happened.")

    @classmethod
    def from_domain(cls, d: rules.WebhookDelivery) -> WebhookDelivery:
        done = d.status in (rules.DeliveryStatus.SUCCEEDED, rules.DeliveryStatus.FAILED)
        return cls(
            id=strawberry.ID(global_ids.encode("WebhookDelivery", d.id)),
            endpoint_id=endpoint_gid(d.endpoint_id),
            message_id=rules.webhook_id(d.message_id), event=d.event, payload=d.payload, status=d.status,
            attempts=d.attempts, last_response_code=d.last_response_code, last_attempt_at=d.last_attempt_at,
            next_attempt_at=None if done else d.next_attempt_at, created_at=d.created_at,
        )


@strawberry.type(description="A delivery and its cursor.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description="Opaque position; pass as `after` to continue after it.")
    node: WebhookDelivery = strawberry.field(description="The delivery.")


@strawberry.type(description="Webhook deliveries, newest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge] = strawberry.field(
        description="This page's deliveries. Cost: counted by the connection's `first`.",
        metadata=bound(items=1),
    )
    page_info: PageInfo = strawberry.field(description="Whether more follow, and where to continue.")


async def webhook_endpoints(info: strawberry.Info) -> list[WebhookEndpoint]:
    return [WebhookEndpoint.from_domain(e) for e in await reads.endpoints(info.context)]


async def webhook_deliveries(
    info: strawberry.Info,
    first: PageSize = 20,
    after: PageAfter = None,
    endpoint_id: Annotated[strawberry.ID | None, strawberry.argument(
        description="Only deliveries to this endpoint.")] = None,
) -> WebhookDeliveryConnection:
    raw_endpoint = None
    if endpoint_id is not None:
        raw_endpoint = global_ids.decode_as(endpoint_id, "WebhookEndpoint")
        if raw_endpoint is None:
            raise bad_request("endpointId is not a webhook endpoint's ID.")
    rows, has_next = await reads.deliveries(info.context, first=first, after=after, endpoint_id=raw_endpoint)
    edges = [WebhookDeliveryEdge(cursor=reads.cursor_of(d), node=WebhookDelivery.from_domain(d))
             for d in rows]
    return WebhookDeliveryConnection(edges=edges, page_info=PageInfo.of([e.cursor for e in edges],
                                                                         has_next=has_next, after=after))
