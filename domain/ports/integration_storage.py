"""Storage ports of the integrations with the outside world: Outlook (tokens, links to its
events, busy times), the calendar feed, webhooks. Apart from `repositories.py` (the practice's
own records) because each of these follows an outside system's model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.external_busy import BusyInterval, BusySync, Change
from domain.model import Therapist
from domain.outlook import EventLink, OutlookIntegration, PendingConnect
from domain.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint


class OutlookRepository(Protocol):
    async def integration(
        self, therapist_id: UUID, *, for_update: bool = False
    ) -> OutlookIntegration | None: ...

    async def save_integration(self, integration: OutlookIntegration) -> None: ...

    async def replace_tokens(
        self, therapist_id: UUID, tokens_sealed: str, *, expected_version: int
    ) -> bool:
        """Compare-and-set on `token_version`; False when another refresh got there first."""
        ...

    async def sealed_tokens(self) -> list[tuple[UUID, int, str]]:
        """(therapist, token version, sealed tokens) of every connected integration."""
        ...

    async def revoke(self, therapist_id: UUID, *, expected_version: int, reason: str | None) -> bool:
        """Disconnect (tokens and links forgotten, `reason` as lastError) unless the tokens
        changed since `expected_version` (a reconnect meanwhile wins)."""
        ...

    async def note_sync(self, therapist_id: UUID, at: datetime | None, error: str | None) -> None:
        """On a connected integration: a success at `at` (clears lastError) or an error."""
        ...

    async def add_pending(self, pending: PendingConnect, *, purge_before: datetime) -> None:
        """Store a connect attempt; drops attempts that expired before then."""
        ...

    async def take_pending(self, state_hash: str, therapist_id: UUID) -> PendingConnect | None:
        """Remove and return the attempt (single use) when `therapist_id` started it: a second
        completion finds nothing, and another therapist's finds nothing and uses nothing up."""
        ...

    async def link(self, session_id: UUID) -> EventLink | None: ...

    async def acquire_link(
        self, session_id: UUID, therapist_id: UUID, holder: str, now: datetime, until: datetime
    ) -> EventLink | None:
        """Take the session's sync lease (creating its link row if needed); None when another
        sync holds a live lease."""
        ...

    async def mark_dirty(self, session_id: UUID, now: datetime) -> bool:
        """Ask the live lease holder to sync once more; False when no live lease is held."""
        ...

    async def finish_link(self, link: EventLink | None, session_id: UUID, holder: str) -> bool:
        """Store the link (None deletes it) and release the lease; when someone marked it
        dirty meanwhile, keep the lease, clear the mark and return False (sync again)."""
        ...

    async def release_link(self, session_id: UUID, holder: str) -> None: ...

    async def set_transaction(self, session_id: UUID, holder: str, transaction_id: str) -> None: ...

    async def drop_links(self, therapist_id: UUID) -> None:
        """Forget every link of the therapist (its event IDs belong to an old connection)."""
        ...

    async def resync_targets(self, therapist_id: UUID, after: datetime) -> list[UUID]:
        """Sessions to sync: scheduled ones ending after `after`, and linked ones that were
        cancelled or deleted, ordered by start."""
        ...


class CalendarFeeds(Protocol):
    """Feed IDs inside a unit of work: one live feed per therapist, or none."""

    async def replace(self, therapist_id: UUID, feed_id: UUID, at: datetime) -> None:
        """The therapist's feed is now `feed_id` (the previous one, if any, stops working)."""
        ...

    async def remove(self, therapist_id: UUID) -> bool: ...


class CalendarFeedReads(Protocol):
    """Reads of feed IDs outside a unit of work (the feed URL, the feed route)."""

    async def feed_of(self, therapist_id: UUID) -> UUID | None: ...

    async def therapist_of(self, feed_id: UUID) -> Therapist | None: ...


class ExternalBusyStore(Protocol):
    """Outlook busy times inside a unit of work: the intervals and the delta-read state."""

    async def save_round(self, sync: BusySync, changes: Sequence[Change], *, full: bool) -> None:
        """Apply a round (a full read replaces every stored interval)."""
        ...

    async def note_failure(self, therapist_id: UUID, at: datetime, error: str) -> None: ...

    async def set_tentative_blocks(self, therapist_id: UUID, blocks: bool) -> None: ...

    async def mark_attempted(self, therapist_id: UUID, at: datetime) -> None:
        """A read is queued: the scheduler's tick leaves the therapist alone for a while."""
        ...

    async def due(self, before: datetime, now: datetime, limit: int) -> list[UUID]:
        """Connected therapists last attempted before `before`, marked attempted at `now`."""
        ...


class ExternalBusyReads(Protocol):
    """Reads of Outlook busy times outside a unit of work."""

    async def state(self, therapist_id: UUID) -> BusySync | None: ...

    async def between(self, therapist_id: UUID, start: datetime, end: datetime) -> list[BusyInterval]:
        """Stored intervals overlapping [start, end), minus Couchtime's own events."""
        ...


class WebhookRepository(Protocol):
    """Endpoints and their deliveries (persistence/repositories/webhooks.py)."""

    async def endpoints(self, therapist_id: UUID) -> list[WebhookEndpoint]: ...

    async def endpoint(self, endpoint_id: UUID) -> WebhookEndpoint | None: ...

    async def all_endpoints(self) -> list[WebhookEndpoint]:
        """Every practice's (key rotation only)."""
        ...

    async def save_endpoint(self, endpoint: WebhookEndpoint) -> None: ...

    async def delete_endpoint(self, endpoint_id: UUID) -> None:
        """The endpoint and its deliveries' record."""
        ...

    async def delivery(self, delivery_id: UUID) -> WebhookDelivery | None: ...

    async def has_delivery(self, endpoint_id: UUID, message_id: UUID) -> bool: ...

    def add_delivery(self, delivery: WebhookDelivery) -> None: ...

    async def claim(self, delivery_id: UUID, now: datetime, lease_until: datetime) -> bool:
        """Take the next attempt if it is due and nobody holds it."""
        ...

    async def record_attempt(self, delivery_id: UUID, *, status: DeliveryStatus, code: int | None,
                             at: datetime, next_at: datetime | None) -> None: ...

    async def queue(self, delivery_ids: list[UUID], lost_after: datetime) -> None:
        """A deliver job was enqueued for each: PENDING until a worker claims it."""
        ...

    async def due(self, now: datetime, limit: int) -> list[UUID]: ...



