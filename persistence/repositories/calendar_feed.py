"""Calendar feed storage (`domain.calendar_feed.CalendarFeeds`): one feed ID per therapist.
Each call is its own short transaction: a feed is not part of any other use case."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.model import Therapist
from persistence.database import Database
from persistence.mapping import therapist_from_row
from persistence.tables.accounts import TherapistRow
from persistence.tables.calendar_feed import CalendarFeedRow

FEEDS = CalendarFeedRow.__table__


class SqlCalendarFeeds:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def feed_of(self, therapist_id: UUID) -> UUID | None:
        async with self._db.read_session() as session:
            return (await session.execute(
                select(FEEDS.c.feed_id).where(FEEDS.c.therapist_id == therapist_id))).scalar()

    async def therapist_of(self, feed_id: UUID) -> Therapist | None:
        async with self._db.read_session() as session:
            row = (await session.execute(
                select(TherapistRow).join(CalendarFeedRow, CalendarFeedRow.therapist_id == TherapistRow.id)
                .where(CalendarFeedRow.feed_id == feed_id))).scalar()
            return therapist_from_row(row) if row else None

    async def replace(self, therapist_id: UUID, feed_id: UUID, at: datetime) -> None:
        """One upsert: the old ID stops working as the new one starts (two at once: the last wins)."""
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        stmt = insert(FEEDS).values(therapist_id=therapist_id, feed_id=feed_id, created_at=at)
        stmt = stmt.on_conflict_do_update(index_elements=[FEEDS.c.therapist_id],
                                          set_={"feed_id": feed_id, "created_at": at})
        async with self._db.write_session() as session, session.begin():
            await session.execute(stmt)

    async def remove(self, therapist_id: UUID) -> bool:
        async with self._db.write_session() as session, session.begin():
            result = await session.execute(delete(FEEDS).where(FEEDS.c.therapist_id == therapist_id))
            return bool(result.rowcount)
