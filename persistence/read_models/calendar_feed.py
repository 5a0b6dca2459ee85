"""Reads of calendar feed IDs outside a unit of work (`CalendarFeedReads`): the URL shown in
`me.calendarFeedUrl` and the owner of a feed the HTTP route serves."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from domain.model import Therapist
from persistence.database import Database
from persistence.mapping import therapist_from_row
from persistence.repositories.calendar_feed import FEEDS
from persistence.tables.accounts import TherapistRow
from persistence.tables.calendar_feed import CalendarFeedRow


class SqlCalendarFeedReads:
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
