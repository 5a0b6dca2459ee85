"""Webhook use cases: register, rotate a secret, delete, redeliver (the API); fan a message out
to endpoints, attempt one delivery, enqueue the retries that are due (the jobs).

An attempt never runs inside a transaction: it is claimed (a short lease) and committed, the
HTTP call happens, then its outcome is recorded. Retries are due times in the database (polled
by a periodic job), not Dramatiq delays: a day of backoff must survive restarts.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain import webhooks as rules
from domain.errors import ErrorCode, RuleViolation, SecretUnreadable
from domain.job_names import WEBHOOK_DELIVER_JOB
from domain.ports.outside_world import Clock, SecretBox, WebhookSender
from domain.ports.unit_of_work import UnitOfWork
from domain.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)
DUE_BATCH = 200


@dataclass(frozen=True)
class WebhookSetup:
    """Wired by the composition root. Without a secret box, registering is refused
    (WEBHOOKS_NOT_CONFIGURED): a secret is never stored in the clear."""

    box: SecretBox | None = None
    sender: WebhookSender | None = None
    allow_private: bool = False  # COUCHTIME_WEBHOOKS_ALLOW_PRIVATE (development and tests only)


@dataclass(frozen=True)
class CreateWebhookEndpoint:
    url: str
    events: tuple[WebhookEvent, ...]


@dataclass(frozen=True)
class RotateWebhookSecret:
    endpoint_id: UUID | None


@dataclass(frozen=True)
class DeleteWebhookEndpoint:
    endpoint_id: UUID | None


@dataclass(frozen=True)
class RedeliverWebhook:
    delivery_id: UUID | None


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown once, at creation or rotation


def _box(setup: WebhookSetup) -> SecretBox:
    if setup.box is None:
        raise RuleViolation.one((), ErrorCode.WEBHOOKS_NOT_CONFIGURED,
                                "Webhooks are not set up on this server. Ask your administrator.")
    return setup.box


def _not_found(field: str) -> RuleViolation:
    return RuleViolation.one((field,), ErrorCode.NOT_FOUND, "No such webhook endpoint.")


async def _own_endpoint(uow: UnitOfWork, me: UUID, endpoint_id: UUID | None) -> WebhookEndpoint:
    found = await uow.webhooks.endpoint(endpoint_id) if endpoint_id else None
    if found is None or found.therapist_id != me:
        raise _not_found("endpointId")
    return found


async def create(uow: UnitOfWork, clock: Clock, setup: WebhookSetup, me: UUID,
                 c: CreateWebhookEndpoint) -> EndpointWithSecret:
    box = _box(setup)
    url = rules.check_url(c.url, allow_private=setup.allow_private)
    events = rules.check_events(c.events)
    async with uow:
        await uow.therapists.get(me, for_update=True)  # one count at a time: the cap holds
        if len(await uow.webhooks.endpoints(me)) >= rules.MAX_ENDPOINTS:
            raise RuleViolation.one((), ErrorCode.LIMIT_REACHED,
                                    f"At most {rules.MAX_ENDPOINTS} webhook endpoints.")
        secret = rules.new_secret()
        endpoint = WebhookEndpoint(uuid.uuid4(), me, url, events, box.encrypt(secret.encode()), clock.now())
        await uow.webhooks.save_endpoint(endpoint)
        await uow.commit()
    return EndpointWithSecret(endpoint, secret)


async def rotate(uow: UnitOfWork, clock: Clock, setup: WebhookSetup, me: UUID,
                 c: RotateWebhookSecret) -> EndpointWithSecret:
    """A new secret signs from now on; the old one also signs for 24 hours, so a receiver can
    switch over without dropping a message."""
    box = _box(setup)
    async with uow:
        endpoint = await _own_endpoint(uow, me, c.endpoint_id)
        secret = rules.new_secret()
        rotated = replace(endpoint, sealed_secret=box.encrypt(secret.encode()),
                          sealed_previous=endpoint.sealed_secret,
                          previous_until=clock.now() + rules.PREVIOUS_SECRET_GRACE)
        await uow.webhooks.save_endpoint(rotated)
        await uow.commit()
    return EndpointWithSecret(rotated, secret)


async def delete(uow: UnitOfWork, me: UUID, c: DeleteWebhookEndpoint) -> UUID:
    async with uow:
        endpoint = await _own_endpoint(uow, me, c.endpoint_id)
        await uow.webhooks.delete_endpoint(endpoint.id)
        await uow.commit()
    return endpoint.id


async def redeliver(uow: UnitOfWork, clock: Clock, me: UUID, c: RedeliverWebhook) -> WebhookDelivery:
    """Send a delivery again now, with its original `webhook-id` (receivers drop duplicates)."""
    async with uow:
        found = await uow.webhooks.delivery(c.delivery_id) if c.delivery_id else None
        if found is None or found.therapist_id != me:
            raise RuleViolation.one(("deliveryId",), ErrorCode.NOT_FOUND, "No such webhook delivery.")
        await uow.webhooks.queue([found.id], clock.now() + rules.LEASE)
        uow.enqueue(WEBHOOK_DELIVER_JOB, {"delivery_id": str(found.id)})
        await uow.commit()
    return replace(found, status=DeliveryStatus.PENDING, next_attempt_at=clock.now() + rules.LEASE)


# --- jobs ------------------------------------------------------------------------------------


async def fan_out(uow: UnitOfWork, clock: Clock, therapist_id: UUID, message_id: UUID,
                  event: WebhookEvent, data: dict) -> int:
    """A delivery per endpoint that listens to the event (once: a duplicated job adds none)."""
    now = clock.now()
    body = json.dumps({"type": event.value, "timestamp": now.isoformat().replace("+00:00", "Z"),
                       "data": data}, separators=(",", ":"), sort_keys=True)
    async with uow:
        added = 0
        for endpoint in await uow.webhooks.endpoints(therapist_id):
            if event not in endpoint.events or await uow.webhooks.has_delivery(endpoint.id, message_id):
                continue
            delivery = WebhookDelivery(uuid.uuid4(), endpoint.id, therapist_id, message_id, event, body,
                                       now, next_attempt_at=now + rules.LEASE)
            uow.webhooks.add_delivery(delivery)
            uow.enqueue(WEBHOOK_DELIVER_JOB, {"delivery_id": str(delivery.id)})
            added += 1
        if added:
            await uow.commit()
    return added


async def deliver(uow: Callable[[], UnitOfWork], clock: Clock, setup: WebhookSetup,
                  delivery_id: UUID) -> str:
    """One attempt: claim it (skipped when not due or already done), POST it signed, record the
    outcome and when to try again. A duplicated job finds nothing due and does nothing."""
    now = clock.now()
    async with uow() as claim:
        delivery = await claim.webhooks.delivery(delivery_id)
        if delivery is None or not await claim.webhooks.claim(delivery_id, now, now + rules.LEASE):
            return "skipped"
        endpoint = await claim.webhooks.endpoint(delivery.endpoint_id)
        await claim.commit()
    if endpoint is None or setup.sender is None or setup.box is None:
        return "skipped"
    try:
        secrets = _signing_secrets(setup.box, endpoint, now)
    except SecretUnreadable:
        log.error("webhook endpoint secret unreadable with the configured keys",
                  extra={"endpoint_id": str(endpoint.id)})
        secrets = []
    code = await setup.sender.send(endpoint.url, message_id=rules.webhook_id(delivery.message_id),
                                   timestamp=now,
                                   body=delivery.payload, secrets=secrets) if secrets else None
    attempts = delivery.attempts + 1
    if rules.succeeded(code):
        status, next_at = DeliveryStatus.SUCCEEDED, None
    else:
        next_at = rules.next_attempt(attempts, clock.now())
        status = DeliveryStatus.RETRYING if next_at else DeliveryStatus.FAILED
    async with uow() as record:
        await record.webhooks.record_attempt(delivery_id, status=status, code=code, at=now, next_at=next_at)
        await record.commit()
    return status.value


def _signing_secrets(box: SecretBox, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    found = [box.decrypt(endpoint.sealed_secret).decode()]
    if endpoint.sealed_previous and endpoint.previous_until and endpoint.previous_until > now:
        found.append(box.decrypt(endpoint.sealed_previous).decode())
    return found


async def reencrypt_secrets(uow: Callable[[], UnitOfWork], box: SecretBox) -> tuple[int, int]:
    """Key rotation (`couchtime reencrypt-secrets`): every endpoint's secrets sealed again with
    the current (first) key. Returns (re-encrypted, unreadable): an unreadable endpoint needs a
    new secret (rotateWebhookSecret) before it can sign again."""
    async with uow() as reading:
        endpoints = await reading.webhooks.all_endpoints()
    done = unreadable = 0
    for endpoint in endpoints:
        try:
            sealed = box.encrypt(box.decrypt(endpoint.sealed_secret))
            old = endpoint.sealed_previous
            previous = box.encrypt(box.decrypt(old)) if old else None
        except SecretUnreadable:
            unreadable += 1
            continue
        async with uow() as writing:
            resealed = replace(endpoint, sealed_secret=sealed, sealed_previous=previous)
            await writing.webhooks.save_endpoint(resealed)
            await writing.commit()
        done += 1
    return done, unreadable


async def enqueue_due(uow: UnitOfWork, clock: Clock) -> int:
    """Every scheduler tick: a deliver job for each delivery whose next attempt is due."""
    async with uow:
        due = await uow.webhooks.due(clock.now(), DUE_BATCH)
        await uow.webhooks.queue(due, clock.now() + rules.LEASE)
        for delivery_id in due:
            uow.enqueue(WEBHOOK_DELIVER_JOB, {"delivery_id": str(delivery_id)})
        if due:
            await uow.commit()
    return len(due)
