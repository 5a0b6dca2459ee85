"""Webhook endpoints and deliveries, on the unit of work."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from persistence.tables.webhooks import WebhookDeliveryRow, WebhookEndpointRow

D = WebhookDeliveryRow


def endpoint_of(row: WebhookEndpointRow) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id, therapist_id=row.therapist_id, url=row.url,
        events=tuple(WebhookEvent(e) for e in row.events.split()), sealed_secret=row.secret_sealed,
        created_at=row.created_at, sealed_previous=row.previous_sealed, previous_until=row.previous_until,
    )


def delivery_of(row: WebhookDeliveryRow) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id, endpoint_id=row.endpoint_id, therapist_id=row.therapist_id, message_id=row.message_id,
        event=WebhookEvent(row.event), payload=row.payload, created_at=row.created_at,
        status=DeliveryStatus(row.status), attempts=row.attempts, last_response_code=row.last_response_code,
        last_attempt_at=row.last_attempt_at, next_attempt_at=row.next_attempt_at,
    )


class SqlWebhooks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- endpoints ---------------------------------------------------------------------------

    async def endpoints(self, therapist_id: UUID) -> list[WebhookEndpoint]:
        rows = await self.session.execute(
            select(WebhookEndpointRow).where(WebhookEndpointRow.therapist_id == therapist_id)
            .order_by(WebhookEndpointRow.created_at, WebhookEndpointRow.id))
        return [endpoint_of(r) for r in rows.scalars()]

    async def all_endpoints(self) -> list[WebhookEndpoint]:
        rows = await self.session.execute(select(WebhookEndpointRow).order_by(WebhookEndpointRow.id))
        return [endpoint_of(r) for r in rows.scalars()]

    async def endpoint(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        row = await self.session.get(WebhookEndpointRow, endpoint_id)
        return endpoint_of(row) if row else None

    async def save_endpoint(self, e: WebhookEndpoint) -> None:
        await self.session.merge(WebhookEndpointRow(
            id=e.id, therapist_id=e.therapist_id, url=e.url, events=" ".join(e.events),
            secret_sealed=e.sealed_secret, previous_sealed=e.sealed_previous,
            previous_until=e.previous_until, created_at=e.created_at))

    async def delete_endpoint(self, endpoint_id: UUID) -> None:
        await self.session.execute(delete(D).where(D.endpoint_id == endpoint_id))
        await self.session.execute(delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id))

    # --- deliveries --------------------------------------------------------------------------

    async def delivery(self, delivery_id: UUID) -> WebhookDelivery | None:
        row = await self.session.get(D, delivery_id)
        return delivery_of(row) if row else None

    async def has_delivery(self, endpoint_id: UUID, message_id: UUID) -> bool:
        found = await self.session.execute(
            select(D.id).where(D.endpoint_id == endpoint_id, D.message_id == message_id))
        return found.first() is not None

    def add_delivery(self, d: WebhookDelivery) -> None:
        self.session.add(D(
            id=d.id, endpoint_id=d.endpoint_id, therapist_id=d.therapist_id, message_id=d.message_id,
            event=d.event.value, payload=d.payload, status=d.status.value, attempts=d.attempts,
            next_attempt_at=d.next_attempt_at, created_at=d.created_at))

    async def claim(self, delivery_id: UUID, now: datetime, lease_until: datetime) -> bool:
        """Take the delivery's queued attempt (compare-and-set): PENDING, or SENDING by a worker
        whose lease ran out. False when there is nothing to do (done, waiting, or taken)."""
        claimed = await self.session.execute(
            update(D).where(
                D.id == delivery_id,
                or_(D.status == DeliveryStatus.PENDING.value,
                    (D.status == DeliveryStatus.SENDING.value) & (D.next_attempt_at <= now)),
            ).values(status=DeliveryStatus.SENDING.value, next_attempt_at=lease_until))
        return claimed.rowcount == 1

    async def record_attempt(self, delivery_id: UUID, *, status: DeliveryStatus, code: int | None,
                             at: datetime, next_at: datetime | None) -> None:
        await self.session.execute(update(D).where(D.id == delivery_id).values(
            status=status.value, attempts=D.attempts + 1, last_response_code=code,
            last_attempt_at=at, next_attempt_at=next_at))

    async def queue(self, delivery_ids: list[UUID], lost_after: datetime) -> None:
        """A deliver job was enqueued for these: PENDING until claimed, re-enqueued if no worker
        took it by `lost_after`."""
        if delivery_ids:
            await self.session.execute(update(D).where(D.id.in_(delivery_ids)).values(
                status=DeliveryStatus.PENDING.value, next_attempt_at=lost_after))

    async def due(self, now: datetime, limit: int) -> list[UUID]:
        """Deliveries whose retry is due, or whose job or attempt was lost (a worker died)."""
        rows = await self.session.execute(
            select(D.id).where(
                D.status.in_([DeliveryStatus.RETRYING.value, DeliveryStatus.SENDING.value,
                              DeliveryStatus.PENDING.value]),
                D.next_attempt_at <= now)
            .order_by(D.next_attempt_at).limit(limit))
        return list(rows.scalars())

    async def page(self, therapist_id: UUID, *, endpoint_id: UUID | None, first: int,
                   after: UUID | None) -> tuple[list[WebhookDelivery], bool]:
        """Newest first (by creation, then ID), keyset after the delivery `after`."""
        query = select(D).where(D.therapist_id == therapist_id)
        if endpoint_id is not None:
            query = query.where(D.endpoint_id == endpoint_id)
        if after is not None:
            anchor = await self.session.get(D, after)
            if anchor is None or anchor.therapist_id != therapist_id:
                raise LookupError("cursor")
            query = query.where(or_(D.created_at < anchor.created_at,
                                    (D.created_at == anchor.created_at) & (D.id < anchor.id)))
        rows = list((await self.session.execute(
            query.order_by(D.created_at.desc(), D.id.desc()).limit(first + 1))).scalars())
        return [delivery_of(r) for r in rows[:first]], len(rows) > first
