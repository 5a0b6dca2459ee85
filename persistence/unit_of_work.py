"""The SQL unit of work: one transaction per use case, events published after commit."""

from __future__ import annotations

from typing import Self

from domain.events import DomainEvent
from domain.ports import EventPublisher
from persistence.database import Database
from persistence.repositories import (
    SqlAvailability,
    SqlBookingRequests,
    SqlClients,
    SqlEventTypes,
    SqlSessions,
    SqlTherapists,
    SqlTimeOff,
    SqlTokens,
)


class SqlUnitOfWork:
    def __init__(self, db: Database, publisher: EventPublisher) -> None:
        self._db = db
        self._publisher = publisher

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
        await self.session.commit()
        self._committed = True
        events, self._events = self._events, []
        if events:
            await self._publisher.publish(events)

    def record(self, event: DomainEvent) -> None:
        self._events.append(event)


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use case; handed to resolvers and actors."""

    def __init__(self, db: Database, publisher: EventPublisher) -> None:
        self.db = db
        self.publisher = publisher

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.publisher)
