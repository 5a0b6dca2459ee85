"""Reads of Outlook busy times outside a unit of work (`ExternalBusyReads`): the delta-read
state (its age and the tentative choice) and the intervals `me.externalBusy` shows."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from domain.external_busy import BusyInterval, BusySync, ShowAs
from persistence.database import Database
from persistence.repositories.external_busy import BUSY, SYNCS, in_force, sync_of


class SqlExternalBusyReads:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def state(self, therapist_id: UUID) -> BusySync | None:
        async with self._db.read_session() as session:
            row = (await session.execute(select(SYNCS).where(SYNCS.c.therapist_id == therapist_id))).first()
            return sync_of(row) if row else None

    async def between(self, therapist_id: UUID, start: datetime, end: datetime) -> list[BusyInterval]:
        stmt = (
            select(BUSY.c.event_id, BUSY.c.start_at, BUSY.c.end_at, BUSY.c.show_as)
            .where(BUSY.c.therapist_id == therapist_id, BUSY.c.start_at < end, BUSY.c.end_at > start,
                   in_force())
            .order_by(BUSY.c.start_at, BUSY.c.event_id)
        )
        async with self._db.read_session() as session:
            return [BusyInterval(row.event_id, row.start_at, row.end_at, ShowAs(row.show_as))
                    for row in await session.execute(stmt)]
