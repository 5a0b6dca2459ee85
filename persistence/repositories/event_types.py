"""The kinds of session a therapist offers (retired ones kept for their sessions)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import EventType
from persistence.mapping import event_type_from_row, event_type_to_row
from persistence.tables.event_types import EventTypeRow


class SqlEventTypes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active(self, therapist_id: UUID) -> list[EventType]:
        rows = await self.session.execute(
            select(EventTypeRow)
            .where(EventTypeRow.therapist_id == therapist_id, EventTypeRow.deleted_at.is_(None))
            .order_by(EventTypeRow.created_at, EventTypeRow.id)
        )
        return [event_type_from_row(row) for row in rows.scalars()]

    async def get(self, event_type_id: UUID, *, include_deleted: bool = False) -> EventType | None:
        row = await self.session.get(EventTypeRow, event_type_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            return None
        return event_type_from_row(row)

    async def get_many(self, event_type_ids: set[UUID]) -> dict[UUID, EventType]:
        if not event_type_ids:
            return {}
        rows = await self.session.execute(
            select(EventTypeRow).where(EventTypeRow.id.in_(list(event_type_ids)))
        )
        return {row.id: event_type_from_row(row) for row in rows.scalars()}

    async def add(self, event_type: EventType) -> None:
        self.session.add(event_type_to_row(event_type))

    async def save(self, event_type: EventType) -> None:
        row = await self.session.get(EventTypeRow, event_type.id)
        event_type_to_row(event_type, row)

    async def delete(self, event_type_id: UUID, at: datetime) -> None:
        await self.session.execute(
            update(EventTypeRow).where(EventTypeRow.id == event_type_id).values(deleted_at=at)
        )
