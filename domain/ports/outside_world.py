"""Ports to the world outside the database: time, hashing, rate limits, the event bus
and the job broker, video rooms, secrets, Outlook, mail. Adapters implement them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.events import DomainEvent
from domain.notifications import Email
from domain.outlook import Grant, OutlookEvent


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...



class PasswordHasher(Protocol):
    """Slow by design (Argon2id): adapters run it off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def verify_stand_in(self, password: str) -> None:
        """Exactly the work of `verify` against a hash made once for no account (sign-in with
        an unknown email, or a password that cannot match, costs what a wrong password does)."""
        ...



class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one attempt; None when allowed, else seconds until the window frees."""
        ...



class EventPublisher(Protocol):
    async def publish(self, events: Sequence[DomainEvent]) -> None: ...



class JobRelay(Protocol):
    async def committed(self, job_ids: Sequence[UUID]) -> None:
        """Outbox jobs just committed: hand them to the broker now (best effort; the relay
        loop sends whatever this misses)."""
        ...



class VideoRooms(Protocol):
    def new_room_url(self) -> str:
        """An unguessable meeting URL for one session."""
        ...



class SecretBox(Protocol):
    """Symmetric encryption of secrets at rest (OAuth tokens): authenticated, key-rotatable."""

    def encrypt(self, plain: bytes) -> str:
        """Encrypt with the current key; the result is ASCII, safe for a text column."""
        ...

    def decrypt(self, sealed: str) -> bytes:
        """Decrypt with any configured key; `domain.errors.SecretUnreadable` when none fits or
        the text was tampered with."""
        ...



class OutlookGateway(Protocol):
    """Microsoft's identity platform and Graph's /me/events. Raises `domain.outlook`'s
    OutlookUnauthorized / OutlookGrantRevoked / OutlookUnavailable / OutlookRejected; retries
    429 and 5xx itself (honouring Retry-After) before giving up with OutlookUnavailable."""

    def authorize_url(self, *, state: str, code_challenge: str) -> str: ...

    async def exchange_code(self, code: str, code_verifier: str) -> Grant: ...

    async def refresh(self, refresh_token: str) -> Grant: ...

    async def account(self, access_token: str) -> str:
        """The signed-in Microsoft account (its user principal name or mail)."""
        ...

    async def create_event(self, access_token: str, event: OutlookEvent, *, transaction_id: str) -> str:
        """POST /me/events carrying our session-ID property; returns the Graph event ID."""
        ...

    async def find_event(self, access_token: str, session_id: UUID) -> str | None:
        """The event carrying this session's ID property, if one exists."""
        ...

    async def patch_event(self, access_token: str, event_id: str, event: OutlookEvent) -> bool:
        """False when the event no longer exists (404)."""
        ...

    async def delete_event(self, access_token: str, event_id: str) -> None:
        """Idempotent: an event already gone (404) is success."""
        ...



class Mailer(Protocol):
    async def send(self, email: Email) -> None:
        """Deliver one email (SMTP, or an .eml file in development); raises when it could not."""
        ...
