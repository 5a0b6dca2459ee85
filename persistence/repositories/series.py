"""Recurring series and the materialisation of their occurrences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import Series, Session
from persistence.mapping import series_from_row, series_to_row, session_from_row, session_to_row
from persistence.tables.accounts import TherapistRow
from persistence.tables.series import SeriesRow
from persistence.tables.sessions import PaymentRow, SessionNoteRow, SessionRow


class SqlSeries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, series: Series) -> None:
        self.session.add(series_to_row(series))
        await self.session.flush()

    async def get(self, series_id: UUID, *, for_update: bool = False) -> Series | None:
        stmt = select(SeriesRow).where(SeriesRow.id == series_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return series_from_row(row) if row else None

    async def save(self, series: Series) -> None:
        series_to_row(series, await self.session.get(SeriesRow, series.id))
        await self.session.flush()

    async def active_of(self, therapist_id: UUID) -> list[Series]:
        rows = await self.session.execute(
            select(SeriesRow).where(SeriesRow.therapist_id == therapist_id, SeriesRow.active.is_(True))
        )
        return [series_from_row(r) for r in rows.scalars()]

    async def due(self, until: date, limit: int) -> list[tuple[Series, str]]:
        """Series to extend, locked for this transaction. On PostgreSQL, series another runner
        holds are skipped (SKIP LOCKED): concurrent runs split the work instead of each
        computing the same batch; SQLite has one writer and ignores the clause."""
        rows = await self.session.execute(
            select(SeriesRow, TherapistRow.time_zone)
            .join(TherapistRow, TherapistRow.id == SeriesRow.therapist_id)
            .where(SeriesRow.active.is_(True), SeriesRow.materialised_until < until)
            .order_by(SeriesRow.materialised_until, SeriesRow.id)
            .limit(limit)
            .with_for_update(of=SeriesRow, skip_locked=True)
        )
        return [(series_from_row(row), zone) for row, zone in rows]

    async def add_occurrences(self, sessions: Sequence[Session]) -> list[Session]:
        """INSERT … ON CONFLICT (series_id, occurrence_date) DO NOTHING RETURNING id."""
        if not sessions:
            return []
        dialect = self.session.bind.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = SessionRow.__table__
        inserted: set[UUID] = set()
        for chunk in _chunks(list(sessions), 500):
            values = [_session_values(s) for s in chunk]
            stmt = (
                insert(table).values(values)
                .on_conflict_do_nothing(index_elements=["series_id", "occurrence_date"])
                .returning(table.c.id)
            )
            inserted |= {row[0] for row in await self.session.execute(stmt)}
        return [s for s in sessions if s.id in inserted]

    async def advance(self, series_ids: Sequence[UUID], until: date) -> None:
        await self.session.execute(
            update(SeriesRow)
            .where(SeriesRow.id.in_(list(series_ids)), SeriesRow.materialised_until < until)
            .values(materialised_until=until)
        )

    async def delete_upcoming_unworked(
        self, series_id: UUID, *, after: datetime, keep: UUID | None = None
    ) -> list[Session]:
        worked = or_(
            SessionRow.claim_status != "NONE",
            select(SessionNoteRow.session_id).where(SessionNoteRow.session_id == SessionRow.id).exists(),
            select(PaymentRow.id).where(PaymentRow.session_id == SessionRow.id).exists(),
        )
        condition = (SessionRow.series_id == series_id) & (SessionRow.start_at > after) & ~worked
        if keep is not None:
            condition &= SessionRow.id != keep
        doomed = [session_from_row(r) for r in (await self.session.execute(
            select(SessionRow).where(condition))).scalars()]
        if doomed:
            await self.session.execute(
                delete(SessionRow).where(SessionRow.id.in_([s.id for s in doomed]))
            )
        return doomed



def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]



def _session_values(s: Session) -> dict:
    row = session_to_row(s)
    return {column.name: getattr(row, column.name) for column in SessionRow.__table__.c}
