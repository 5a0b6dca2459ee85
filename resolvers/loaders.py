"""DataLoaders, made fresh per request (or per subscription event) so nothing goes stale."""

from __future__ import annotations

from uuid import UUID

from strawberry.dataloader import DataLoader

from domain.model import (
    Client,
    EventType,
    Payment,
    Series,
    Session,
    SessionFacts,
    TimeOff,
    TimeSlot,
)
from domain.portal import PortalAccount
from persistence import queries
from persistence.database import Database
from persistence.read_models import portal as portal_reads


class Loaders:
    """`XByYLoader`s as attributes; each batches its keys into one statement."""

    def __init__(self, db: Database) -> None:
        async def weekly_hours(ids: list[UUID]) -> list[dict[int, list[TimeSlot]]]:
            found = await queries.weekly_hours_by_therapist(db, ids)
            return [found[i] for i in ids]

        async def event_types_of(ids: list[UUID]) -> list[list[EventType]]:
            found = await queries.event_types_by_therapist(db, ids)
            return [found[i] for i in ids]

        async def event_type(ids: list[UUID]) -> list[EventType | None]:
            found = await queries.event_types_by_id(db, ids)
            return [found.get(i) for i in ids]

        async def time_off_of(ids: list[UUID]) -> list[list[TimeOff]]:
            found = await queries.time_off_by_therapist(db, ids)
            return [found[i] for i in ids]

        async def client(ids: list[UUID]) -> list[Client | None]:
            found = await queries.clients_by_id(db, ids)
            return [found.get(i) for i in ids]

        async def sessions_of(ids: list[UUID]) -> list[list[Session]]:
            found = await queries.sessions_by_client(db, ids)
            return [found[i] for i in ids]

        async def session(ids: list[UUID]) -> list[Session | None]:
            found = await queries.sessions_by_id(db, ids)
            return [found.get(i) for i in ids]

        async def facts(ids: list[UUID]) -> list[SessionFacts]:
            found = await queries.facts_by_session(db, ids)
            return [found.get(i, SessionFacts(False, 0, 0)) for i in ids]

        async def overlapping(ids: list[UUID]) -> list[list[UUID]]:
            found = await queries.overlapping_by_session(db, ids)
            return [found[i] for i in ids]

        async def notes(ids: list[UUID]) -> list[str | None]:
            found = await queries.notes_by_session(db, ids)
            return [found.get(i) for i in ids]

        async def payments(ids: list[UUID]) -> list[list[Payment]]:
            found = await queries.payments_by_session(db, ids)
            return [found[i] for i in ids]

        async def series_of(ids: list[UUID]) -> list[Series | None]:
            found = await queries.series_by_id(db, ids)
            return [found.get(i) for i in ids]

        async def portal_accounts(ids: list[UUID]) -> list[PortalAccount | None]:
            found = await portal_reads.portal_accounts(db, ids)
            return [found.get(i) for i in ids]

        self.portal_account_by_client = DataLoader(load_fn=portal_accounts)
        self.series_by_id = DataLoader(load_fn=series_of)
        self.facts_by_session = DataLoader(load_fn=facts)
        self.overlapping_by_session = DataLoader(load_fn=overlapping)
        self.note_by_session = DataLoader(load_fn=notes)
        self.payments_by_session = DataLoader(load_fn=payments)
        self.time_off_by_therapist = DataLoader(load_fn=time_off_of)
        self.client_by_id = DataLoader(load_fn=client)
        self.sessions_by_client = DataLoader(load_fn=sessions_of)
        self.session_by_id = DataLoader(load_fn=session)
        self.weekly_hours_by_therapist = DataLoader(load_fn=weekly_hours)
        self.event_types_by_therapist = DataLoader(load_fn=event_types_of)
        self.event_type_by_id = DataLoader(load_fn=event_type)
