"""Outlook busy-time storage inside a unit of work (`domain.ports.integration_storage.
ExternalBusyStore`): the intervals and the delta-read state; no Graph call ever runs inside its
transaction. Reads outside one: `persistence/read_models/external_busy.py`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.external_busy import BusySync, Change, ShowAs
from persistence.database import upsert_for
from persistence.tables.external_busy import ExternalBusyRow, OutlookBusySyncRow
from persistence.tables.outlook import OutlookEventRow, OutlookIntegrationRow

BUSY = ExternalBusyRow.__table__
SYNCS = OutlookBusySyncRow.__table__
LINKS = OutlookEventRow.__table__
CHUNK = 500  # rows per statement (SQLite's bound-parameter limit)


def sync_of(row) -> BusySync:
    return BusySync(
        therapist_id=row.therapist_id, tentative_blocks=row.tentative_blocks,
        delta_link=row.delta_link, window_start=row.window_start, window_end=row.window_end,
        synced_at=row.synced_at, attempted_at=row.attempted_at, last_error=row.last_error,
    )


INTEGRATIONS = OutlookIntegrationRow.__table__


def in_force():
    """Stored intervals count while Outlook is connected (a revoked or disconnected account's
    last known times stop blocking at once), and never for Couchtime's own events: an interval
    whose event ID is one of its sessions' links (a create whose ID was stored after the read)."""
    connected = select(INTEGRATIONS.c.therapist_id).where(
        INTEGRATIONS.c.therapist_id == BUSY.c.therapist_id, INTEGRATIONS.c.tokens.is_not(None)).exists()
    ours = select(LINKS.c.session_id).where(
        LINKS.c.therapist_id == BUSY.c.therapist_id, LINKS.c.graph_event_id == BUSY.c.event_id).exists()
    return connected & ~ours


def blocking_select(therapist_id: UUID, start: datetime, end: datetime, *extra):
    """(s, e) of the intervals that block slots in [start, end): `BusyInterval.blocks` in SQL
    (tentative ones only when the therapist chose so; no choice stored = the default, yes), for
    the busy-time statement the slot listing and the booking share (repositories.busy_intervals)."""
    tentative_ok = select(SYNCS.c.therapist_id).where(
        SYNCS.c.therapist_id == BUSY.c.therapist_id, SYNCS.c.tentative_blocks.is_(False)).exists()
    return select(BUSY.c.start_at.label("s"), BUSY.c.end_at.label("e"), *extra).where(
        BUSY.c.therapist_id == therapist_id, BUSY.c.start_at < end, BUSY.c.end_at > start, in_force(),
        or_(BUSY.c.show_as != ShowAs.TENTATIVE.value, ~tentative_ok),
    )


class SqlExternalBusy:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _upsert_sync(self, therapist_id: UUID, values: dict) -> None:
        row = {"tentative_blocks": True, **values, "therapist_id": therapist_id}  # the default choice
        stmt = upsert_for(self.session)(SYNCS).values(**row)
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=[SYNCS.c.therapist_id], set_=values))

    async def save_round(self, sync: BusySync, changes: Sequence[Change], *, full: bool) -> None:
        therapist_id, session = sync.therapist_id, self.session
        if full:
            await session.execute(delete(BUSY).where(BUSY.c.therapist_id == therapist_id))
        last: dict[str, Change] = {c.event_id: c for c in changes}  # a later item wins
        gone = [event_id for event_id, c in last.items() if c.busy is None]
        kept = [c.busy for c in last.values() if c.busy is not None]
        ours: set[str] = set()  # Couchtime's own events (IDs linked to sessions) are never stored
        for i in range(0, len(kept), CHUNK):
            ours.update((await session.execute(select(LINKS.c.graph_event_id).where(
                LINKS.c.therapist_id == therapist_id,
                LINKS.c.graph_event_id.in_([b.event_id for b in kept[i:i + CHUNK]])))).scalars())
        if ours:
            gone += [b.event_id for b in kept if b.event_id in ours]
            kept = [b for b in kept if b.event_id not in ours]
        for i in range(0, len(gone), CHUNK):
            await session.execute(delete(BUSY).where(
                BUSY.c.therapist_id == therapist_id, BUSY.c.event_id.in_(gone[i:i + CHUNK])))
        for i in range(0, len(kept), CHUNK):
            rows = [{"therapist_id": therapist_id, "event_id": b.event_id, "start_at": b.start,
                     "end_at": b.end, "show_as": b.show_as.value} for b in kept[i:i + CHUNK]]
            stmt = upsert_for(session)(BUSY).values(rows)
            await session.execute(stmt.on_conflict_do_update(
                index_elements=[BUSY.c.therapist_id, BUSY.c.event_id],
                set_={"start_at": stmt.excluded.start_at, "end_at": stmt.excluded.end_at,
                      "show_as": stmt.excluded.show_as}))
        await self._upsert_sync(therapist_id, {
            "delta_link": sync.delta_link, "window_start": sync.window_start,
            "window_end": sync.window_end, "synced_at": sync.synced_at,
            "attempted_at": sync.attempted_at, "last_error": None,
        })

    async def note_failure(self, therapist_id: UUID, at: datetime, error: str) -> None:
        await self._upsert_sync(therapist_id, {"attempted_at": at, "last_error": error[:500]})

    async def set_tentative_blocks(self, therapist_id: UUID, blocks: bool) -> None:
        await self._upsert_sync(therapist_id, {"tentative_blocks": blocks})

    async def mark_attempted(self, therapist_id: UUID, at: datetime) -> None:
        await self._upsert_sync(therapist_id, {"attempted_at": at})

    async def due(self, before: datetime, now: datetime, limit: int) -> list[UUID]:
        joined = INTEGRATIONS.outerjoin(SYNCS, SYNCS.c.therapist_id == INTEGRATIONS.c.therapist_id)
        stmt = (
            select(INTEGRATIONS.c.therapist_id)
            .select_from(joined)
            .where(INTEGRATIONS.c.tokens.is_not(None),
                   or_(SYNCS.c.attempted_at.is_(None), SYNCS.c.attempted_at < before))
            .order_by(SYNCS.c.attempted_at.is_not(None), SYNCS.c.attempted_at)
            .limit(limit)
        )
        ids = list((await self.session.execute(stmt)).scalars())
        for therapist_id in ids:
            await self.mark_attempted(therapist_id, now)
        return ids
