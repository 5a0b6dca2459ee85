"""The email log (`email_sends`): one record per (kind, key), ever, which makes each email
at most once. Two stores on it: `SqlEmailLog` commits each claim on its own (a claim must be
visible to every worker before the send starts), `SqlEmailReservations` reserves reminders
inside a unit of work's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.database import Database, upsert_for
from persistence.tables.email_log import EmailSendRow

QUEUED, SENDING, SENT, SKIPPED = "queued", "sending", "sent", "skipped"


class SqlEmailLog:
    """EmailLog: every call is its own committed transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, kind: str, key: str, now: datetime) -> bool:
        async with self.db.write_session() as session, session.begin():
            inserted = await session.execute(
                upsert_for(session)(EmailSendRow)
                .values(kind=kind, key=key, state=SENDING, created_at=now)
                .on_conflict_do_nothing(index_elements=["kind", "key"])
                .returning(EmailSendRow.key)
            )
            if inserted.first() is not None:
                return True
            taken = await session.execute(
                update(EmailSendRow)
                .where(EmailSendRow.kind == kind, EmailSendRow.key == key, EmailSendRow.state == QUEUED)
                .values(state=SENDING)
                .returning(EmailSendRow.key)
            )
            return taken.first() is not None

    async def _set(self, kind: str, key: str, **values) -> None:
        async with self.db.write_session() as session, session.begin():
            await session.execute(
                update(EmailSendRow)
                .where(EmailSendRow.kind == kind, EmailSendRow.key == key)
                .values(**values)
            )

    async def sent(self, kind: str, key: str, now: datetime) -> None:
        await self._set(kind, key, state=SENT, sent_at=now)

    async def release(self, kind: str, key: str) -> None:
        await self._set(kind, key, state=QUEUED)

    async def skip(self, kind: str, key: str, now: datetime) -> None:
        async with self.db.write_session() as session, session.begin():
            await session.execute(
                update(EmailSendRow)
                .where(EmailSendRow.kind == kind, EmailSendRow.key == key, EmailSendRow.state == QUEUED)
                .values(state=SKIPPED)
            )


class SqlEmailReservations:
    """EmailLogRepository on a unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reserve(self, items: Sequence[tuple[str, str]], now: datetime) -> set[tuple[str, str]]:
        if not items:
            return set()
        result = await self.session.execute(  # executemany with RETURNING ("insertmanyvalues")
            upsert_for(self.session)(EmailSendRow)
            .on_conflict_do_nothing(index_elements=["kind", "key"])
            .returning(EmailSendRow.kind, EmailSendRow.key),
            [{"kind": k, "key": key, "state": QUEUED, "created_at": now} for k, key in items],
        )
        return {(k, key) for k, key in result.all()}
