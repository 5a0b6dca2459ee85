"""Webhooks, as rules: which events a therapist's endpoints hear, what a message says (IDs and
times only, never names, notes or emails), which URLs may receive them (no private or loopback
addresses in production: SSRF), and when a failed delivery is tried again (README: "Webhooks").

Deliveries follow the Standard Webhooks specification: the message ID (`webhook-id`) stays the
same on every retry and redelivery, so a receiver drops duplicates by it.
"""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from base64 import b64encode
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit
from uuid import UUID

from domain.errors import ErrorCode, RuleViolation
from domain.events import BookingReceived, ClientCancelledSession, DomainEvent, IntakeResolved, SessionChanged
from domain.job_names import WEBHOOK_FAN_OUT_JOB

MAX_ENDPOINTS = 10  # per therapist
MAX_URL_LENGTH = 2000
PREVIOUS_SECRET_GRACE = timedelta(hours=24)  # after a rotation, the old secret still signs
# Standard Webhooks' suggested schedule: after the first attempt 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h and 10 h later — eight attempts over about 27 hours; then the delivery has FAILED.
RETRY_AFTER: tuple[timedelta, ...] = (
    timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=5), timedelta(hours=10), timedelta(hours=10),
)
LEASE = timedelta(minutes=2)  # a claimed attempt not recorded by then is tried again


class WebhookEvent(StrEnum):
    BOOKING_CREATED = "booking.created"
    SESSION_RESCHEDULED = "session.rescheduled"
    SESSION_CANCELLED = "session.cancelled"
    INTAKE_ACCEPTED = "intake.accepted"
    INTAKE_REJECTED = "intake.rejected"
    INTAKE_MERGED = "intake.merged"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its first attempt (or a redelivery)
    SENDING = "SENDING"  # an attempt is under way (leased)
    RETRYING = "RETRYING"  # failed; the next attempt is due at `next_attempt_at`
    SUCCEEDED = "SUCCEEDED"  # the endpoint answered 2xx
    FAILED = "FAILED"  # every attempt failed (redeliverWebhook tries again)


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: UUID
    therapist_id: UUID
    url: str
    events: tuple[WebhookEvent, ...]
    sealed_secret: str  # encrypted at rest (SecretBox)
    created_at: datetime
    sealed_previous: str | None = None
    previous_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    id: UUID
    endpoint_id: UUID
    therapist_id: UUID
    message_id: UUID  # the `webhook-id`
    event: WebhookEvent
    payload: str  # the JSON body, IDs and times only
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_response_code: int | None = None
    last_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """One event as a webhook message, before it is fanned out to endpoints."""

    therapist_id: UUID
    event: WebhookEvent
    data: dict = field(hash=False)
    message_id: UUID = field(default_factory=uuid.uuid4)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode("ascii")


def webhook_id(message_id: UUID) -> str:
    """The `webhook-id` header of a message: `msg_` and its UUID in hex."""
    return f"msg_{message_id.hex}"


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def messages_for(events: Sequence[DomainEvent]) -> list[Message]:
    """The webhook messages of one unit of work's events. A client's cancellation records both
    `SessionChanged(CANCELLED)` and `ClientCancelledSession`: one message, `cancelledBy` CLIENT."""
    by_client = {e.session_id for e in events if isinstance(e, ClientCancelledSession)}
    found: list[Message] = []
    for e in events:
        if isinstance(e, BookingReceived):
            found.append(Message(e.therapist_id, WebhookEvent.BOOKING_CREATED, {
                "sessionId": str(e.session_id), "clientId": str(e.client_id),
                "eventTypeId": str(e.event_type_id), "start": _iso(e.start), "end": _iso(e.end)}))
        elif isinstance(e, SessionChanged) and e.kind == "MOVED" and e.before and e.after:
            found.append(Message(e.therapist_id, WebhookEvent.SESSION_RESCHEDULED, {
                "sessionId": str(e.session_id), "previousStart": _iso(e.before[0]),
                "previousEnd": _iso(e.before[1]), "start": _iso(e.after[0]), "end": _iso(e.after[1])}))
        elif isinstance(e, SessionChanged) and e.kind == "CANCELLED":
            found.append(Message(e.therapist_id, WebhookEvent.SESSION_CANCELLED, {
                "sessionId": str(e.session_id),
                "cancelledBy": "CLIENT" if e.session_id in by_client else "THERAPIST"}))
        elif isinstance(e, IntakeResolved):
            data = {"clientId": str(e.client_id)}
            if e.into_client_id is not None:
                data["intoClientId"] = str(e.into_client_id)
            found.append(Message(e.therapist_id, WebhookEvent(f"intake.{e.action.lower()}"), data))
    return found


def jobs_for_events(events: Sequence[DomainEvent]) -> Iterable[tuple[str, dict]]:
    """The outbox rule (domain/jobs.py): one fan-out job per message; its actor finds the
    endpoints (most therapists have none: one read, nothing written)."""
    for m in messages_for(events):
        yield WEBHOOK_FAN_OUT_JOB, {"therapist_id": str(m.therapist_id), "message_id": str(m.message_id),
                            "event": m.event.value, "data": m.data}


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts; None once the schedule is spent."""
    if attempts < 1 or attempts > len(RETRY_AFTER):
        return None
    return now + RETRY_AFTER[attempts - 1]


def succeeded(code: int | None) -> bool:
    return code is not None and 200 <= code < 300


def check_url(url: str, *, allow_private: bool) -> str:
    """An endpoint URL we may call: https (http only where private addresses are allowed, i.e.
    development and tests), a host, no credentials; an IP literal or `localhost` that is private,
    loopback, link-local or reserved is refused unless allowed. Names are checked again when
    they are resolved, at each delivery (adapters/webhook_sender.py)."""
    url = url.strip()
    bad = lambda message: RuleViolation.one(("url",), ErrorCode.INVALID, message)  # noqa: E731
    if len(url) > MAX_URL_LENGTH:
        raise RuleViolation.one(("url",), ErrorCode.TOO_LONG, f"At most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise bad("Not a URL.") from None
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise bad("Use an https:// URL.")
    if not host or parts.username is not None or parts.password is not None:
        raise bad("The URL needs a host and no user name or password.")
    if not allow_private and is_private_host(host):
        raise RuleViolation.one(("url",), ErrorCode.PRIVATE_ADDRESS,
                                "Private, loopback and link-local addresses cannot receive webhooks.")
    return url


def is_private_host(host: str) -> bool:
    """A host name or address that must not be called from the server in production."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost") or name.endswith(".internal"):
        return True
    try:
        return is_private_address(ipaddress.ip_address(name))
    except ValueError:
        return False  # a name: checked once resolved


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not address.is_global or address.is_multicast


def check_events(events: Sequence[WebhookEvent]) -> tuple[WebhookEvent, ...]:
    if not events:
        raise RuleViolation.one(("events",), ErrorCode.REQUIRED, "Choose at least one event.")
    return tuple(dict.fromkeys(events))
