"""The therapist's waitlist: open entries, oldest first, in one statement (me.waitlist); one
entry by ID (node)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from domain.waitlist import EntryStatus, WaitlistEntry
from persistence.database import Database
from persistence.repositories.waitlist import entry_from_row
from persistence.tables.waitlist import WaitlistEntryRow


async def entry_by_id(db: Database, entry_id: UUID) -> WaitlistEntry | None:
    async with db.read_session() as session:
        row = await session.get(WaitlistEntryRow, entry_id)
        return entry_from_row(row) if row else None


async def open_entries(db: Database, therapist_id: UUID, limit: int) -> list[WaitlistEntry]:
    stmt = (
        select(WaitlistEntryRow)
        .where(WaitlistEntryRow.therapist_id == therapist_id,
               WaitlistEntryRow.status.in_((EntryStatus.WAITING.value, EntryStatus.OFFERED.value)))
        .order_by(WaitlistEntryRow.created_at, WaitlistEntryRow.id).limit(limit)
    )
    async with db.read_session() as session:
        return [entry_from_row(r) for r in (await session.execute(stmt)).scalars()]
