"""The SQL unit of work: one transaction per use case, events published after commit."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Self

from domain.events import DomainEvent
from domain.jobs import jobs_for_all
from domain.ports.outside_world import EventPublisher, JobRelay
from persistence.audit import SqlAuditTrail
from persistence.database import Database
from persistence.repositories.accounts import SqlTherapists, SqlTokens
from persistence.repositories.availability import SqlAvailability
from persistence.repositories.booking_requests import SqlBookingRequests
from persistence.repositories.calendar_feed import SqlCalendarFeeds
from persistence.repositories.clients import SqlClients
from persistence.repositories.email_log import SqlEmailReservations
from persistence.repositories.event_types import SqlEventTypes
from persistence.repositories.external_busy import SqlExternalBusy
from persistence.repositories.outbox import SqlOutbox
from persistence.repositories.outlook import SqlOutlook
from persistence.repositories.password_resets import SqlPasswordResets
from persistence.repositories.portal import SqlPortal
from persistence.repositories.reminders import SqlReminderSettings
from persistence.repositories.series import SqlSeries
from persistence.repositories.sessions import SqlSessions
from persistence.repositories.time_off import SqlTimeOff
from persistence.repositories.waitlist import SqlWaitlist
from persistence.repositories.webhooks import SqlWebhooks

log = logging.getLogger(__name__)


class NoRelay:
    """Until workers are wired: jobs wait in the outbox for the relay loop."""

    async def committed(self, job_ids) -> None:
        return None


class SqlUnitOfWork:
    def __init__(self, db: Database, publisher: EventPublisher, relay: JobRelay | None = None) -> None:
        self._db = db
        self._publisher = publisher
        self._relay = relay or NoRelay()

    async def __aenter__(self) -> Self:
        self.session = self._db.write_session()
        await self.session.begin()
        self.therapists = SqlTherapists(self.session)
        self.tokens = SqlTokens(self.session)
        self.availability = SqlAvailability(self.session)
        self.event_types = SqlEventTypes(self.session)
        self.clients = SqlClients(self.session)
        self.sessions = SqlSessions(self.session)
        self.time_off = SqlTimeOff(self.session)
        self.booking_requests = SqlBookingRequests(self.session)
        self.series = SqlSeries(self.session)
        self.outlook = SqlOutlook(self.session)
        self.webhooks = SqlWebhooks(self.session)
        self.calendar_feeds = SqlCalendarFeeds(self.session)
        self.external_busy = SqlExternalBusy(self.session)
        self.portal = SqlPortal(self.session)
        self.reminder_settings = SqlReminderSettings(self.session)
        self.password_resets = SqlPasswordResets(self.session)
        self.email_log = SqlEmailReservations(self.session)
        self.waitlist = SqlWaitlist(self.session)
        self._outbox = SqlOutbox(self.session)
        self.audit = SqlAuditTrail(self.session)  # changes' entries, in this transaction
        self._jobs: list[uuid.UUID] = []
        self._events: list[DomainEvent] = []
        self._committed = False
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if not self._committed:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        for job, payload in jobs_for_all(self._events):  # outbox rows, in this transaction
            self.enqueue(job, payload)
        await self.audit.flush(self._events, datetime.now(UTC))
        await self.session.commit()
        self._committed = True
        jobs, self._jobs = self._jobs, []
        events, self._events = self._events, []
        if jobs:
            try:
                await self._relay.committed(jobs)
            except Exception:
                log.warning("outbox relay after commit failed; the relay loop will send", exc_info=True)
        if events:
            await self._publisher.publish(events)

    def record(self, event: DomainEvent) -> None:
        self._events.append(event)

    def enqueue(self, job: str, payload: dict) -> None:
        job_id = uuid.uuid4()
        self._outbox.add(job_id, job, payload, datetime.now(UTC))
        self._jobs.append(job_id)


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use case; handed to resolvers and actors."""

    def __init__(self, db: Database, publisher: EventPublisher, relay: JobRelay | None = None) -> None:
        self.db = db
        self.publisher = publisher
        self.relay = relay

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.publisher, self.relay)
