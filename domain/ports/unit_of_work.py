"""The unit of work: one use case's transaction, carrying every repository it needs."""

from __future__ import annotations

from typing import Protocol, Self

from domain.audit import Entry
from domain.events import DomainEvent
from domain.ports.integration_storage import (
    CalendarFeeds,
    ExternalBusyStore,
    OutlookRepository,
    WebhookRepository,
)
from domain.ports.repositories import (
    AvailabilityRepository,
    BookingRequestRepository,
    ClientRepository,
    EmailLogRepository,
    EventTypeRepository,
    PasswordResetRepository,
    PortalRepository,
    ReminderSettingsRepository,
    SeriesRepository,
    SessionRepository,
    TherapistRepository,
    TimeOffRepository,
    TokenRepository,
    WaitlistRepository,
)


class AuditTrail(Protocol):
    """The audit log inside a unit of work (README: "Audit log"). Changes are recorded for
    every use case from its domain events (`domain.audit.changes_for`); `record` adds an entry a
    use case wants beyond those (a sign-in, an export). Written in the same transaction."""

    def record(self, entry: Entry) -> None: ...


class UnitOfWork(Protocol):
    """One use case's transaction: rolls back unless `commit()` is called; events after commit."""

    therapists: TherapistRepository
    tokens: TokenRepository
    availability: AvailabilityRepository
    event_types: EventTypeRepository
    clients: ClientRepository
    sessions: SessionRepository
    time_off: TimeOffRepository
    booking_requests: BookingRequestRepository
    series: SeriesRepository
    outlook: OutlookRepository
    webhooks: WebhookRepository
    calendar_feeds: CalendarFeeds
    external_busy: ExternalBusyStore
    portal: PortalRepository
    reminder_settings: ReminderSettingsRepository
    password_resets: PasswordResetRepository
    email_log: EmailLogRepository
    waitlist: WaitlistRepository
    audit: AuditTrail

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def commit(self) -> None: ...

    def record(self, event: DomainEvent) -> None: ...

    def enqueue(self, job: str, payload: dict) -> None:
        """A job that must not be lost: written to the outbox in this transaction and relayed
        to the workers after commit (the actor must tolerate running twice)."""
        ...
