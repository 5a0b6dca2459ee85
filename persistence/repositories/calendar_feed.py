"""Calendar feed storage inside a unit of work (`domain.ports.integration_storage.CalendarFeeds`):
one feed ID per therapist. Reads outside one: `persistence/read_models/calendar_feed.py`."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.database import upsert_for
from persistence.tables.calendar_feed import CalendarFeedRow

FEEDS = CalendarFeedRow.__table__


class SqlCalendarFeeds:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(self, therapist_id: UUID, feed_id: UUID, at: datetime) -> None:
        """One upsert: the old ID stops working as the new one starts (two at once: the last wins)."""
        stmt = upsert_for(self.session)(FEEDS).values(
            therapist_id=therapist_id, feed_id=feed_id, created_at=at)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=[FEEDS.c.therapist_id], set_={"feed_id": feed_id, "created_at": at}))

    async def remove(self, therapist_id: UUID) -> bool:
        result = await self.session.execute(delete(FEEDS).where(FEEDS.c.therapist_id == therapist_id))
        return bool(result.rowcount)
