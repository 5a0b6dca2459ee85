"""Reads of the signed-in therapist's webhook endpoints and deliveries (never another's)."""

from __future__ import annotations

from uuid import UUID

from domain.webhooks import WebhookDelivery, WebhookEndpoint
from persistence.repositories.webhooks import SqlWebhooks
from resolvers import cursors
from resolvers.context import Context
from resolvers.errors import check_page_size

MAX_PAGE = 100
DELIVERIES = "webhook_delivery"


async def endpoints(ctx: Context) -> list[WebhookEndpoint]:
    me = await ctx.therapist()
    async with ctx.services.db.read_session() as session:
        return await SqlWebhooks(session).endpoints(me.id)


async def deliveries(ctx: Context, *, first: int, after: str | None,
                     endpoint_id: UUID | None) -> tuple[list[WebhookDelivery], bool]:
    """Newest first; a cursor of another practice or of a deleted delivery is BAD_REQUEST."""
    me = await ctx.therapist()
    check_page_size(first, MAX_PAGE)
    anchor = None
    if after is not None:
        try:
            anchor = UUID(cursors.decode(DELIVERIES, after))
        except ValueError:
            raise cursors.not_from_this_list() from None
    async with ctx.services.db.read_session() as session:
        try:
            return await SqlWebhooks(session).page(me.id, endpoint_id=endpoint_id, first=first, after=anchor)
        except LookupError:
            raise cursors.not_from_this_list() from None


def cursor_of(delivery: WebhookDelivery) -> str:
    return cursors.encode(DELIVERIES, delivery.id)
