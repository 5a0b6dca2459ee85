"""Outlook integration storage: the connection (tokens encrypted by the caller), connect
attempts, and each session's event link with its sync lease."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import SessionStatus
from domain.outlook import EventLink, OutlookIntegration, PendingConnect
from persistence.database import Database
from persistence.tables.outlook import OutlookConnectStateRow, OutlookEventRow, OutlookIntegrationRow
from persistence.tables.sessions import SessionRow

INTEGRATIONS = OutlookIntegrationRow.__table__
LINKS = OutlookEventRow.__table__


def integration_from_row(row: OutlookIntegrationRow) -> OutlookIntegration:
    return OutlookIntegration(
        therapist_id=row.therapist_id, account=row.account, tokens_sealed=row.tokens,
        token_version=row.token_version, connected_at=row.connected_at,
        last_sync_at=row.last_sync_at, last_error=row.last_error,
    )


def link_from_row(row: OutlookEventRow) -> EventLink:
    return EventLink(
        session_id=row.session_id, therapist_id=row.therapist_id,
        graph_event_id=row.graph_event_id, content_hash=row.content_hash,
        transaction_id=row.transaction_id, synced_at=row.synced_at,
    )


class SqlOutlook:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self):
        return pg_insert if self.session.bind.dialect.name == "postgresql" else sqlite_insert

    # --- the integration ---------------------------------------------------------------

    async def integration(self, therapist_id: UUID, *, for_update: bool = False) -> OutlookIntegration | None:
        stmt = (select(OutlookIntegrationRow)
                .where(OutlookIntegrationRow.therapist_id == therapist_id)
                .execution_options(populate_existing=True))
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return integration_from_row(row) if row else None

    async def save_integration(self, integration: OutlookIntegration) -> None:
        row = await self.session.get(OutlookIntegrationRow, integration.therapist_id)
        if row is None:
            row = OutlookIntegrationRow(therapist_id=integration.therapist_id)
            self.session.add(row)
        row.account, row.tokens = integration.account, integration.tokens_sealed
        row.token_version, row.connected_at = integration.token_version, integration.connected_at
        row.last_sync_at, row.last_error = integration.last_sync_at, integration.last_error
        await self.session.flush()

    async def replace_tokens(self, therapist_id: UUID, tokens_sealed: str, *, expected_version: int) -> bool:
        result = await self.session.execute(
            update(INTEGRATIONS)
            .where(INTEGRATIONS.c.therapist_id == therapist_id,
                   INTEGRATIONS.c.token_version == expected_version,
                   INTEGRATIONS.c.tokens.is_not(None))
            .values(tokens=tokens_sealed, token_version=expected_version + 1)
        )
        return result.rowcount == 1

    async def revoke(self, therapist_id: UUID, *, expected_version: int, reason: str | None) -> bool:
        result = await self.session.execute(
            update(INTEGRATIONS)
            .where(INTEGRATIONS.c.therapist_id == therapist_id,
                   INTEGRATIONS.c.token_version == expected_version)
            .values(tokens=None, token_version=expected_version + 1, last_error=reason)
        )
        if result.rowcount != 1:
            return False
        await self.drop_links(therapist_id)
        return True

    async def note_sync(self, therapist_id: UUID, at: datetime | None, error: str | None) -> None:
        values = {"last_error": error} if error is not None else {"last_sync_at": at, "last_error": None}
        await self.session.execute(
            update(INTEGRATIONS)
            .where(INTEGRATIONS.c.therapist_id == therapist_id, INTEGRATIONS.c.tokens.is_not(None))
            .values(**values)
        )

    async def sealed_tokens(self) -> list[tuple[UUID, int, str]]:
        rows = await self.session.execute(
            select(INTEGRATIONS.c.therapist_id, INTEGRATIONS.c.token_version, INTEGRATIONS.c.tokens)
            .where(INTEGRATIONS.c.tokens.is_not(None))
        )
        return [(t, v, sealed) for t, v, sealed in rows]

    # --- connect attempts ---------------------------------------------------------------

    async def add_pending(self, pending: PendingConnect, *, purge_before: datetime) -> None:
        await self.session.execute(  # anyone's expired attempts: the table stays small
            delete(OutlookConnectStateRow).where(OutlookConnectStateRow.expires_at <= purge_before)
        )
        self.session.add(OutlookConnectStateRow(
            state_hash=pending.state_hash, therapist_id=pending.therapist_id,
            verifier=pending.verifier_sealed, expires_at=pending.expires_at,
        ))
        await self.session.flush()

    async def take_pending(self, state_hash: str, therapist_id: UUID) -> PendingConnect | None:
        table = OutlookConnectStateRow.__table__
        row = (await self.session.execute(
            delete(table).where(table.c.state_hash == state_hash, table.c.therapist_id == therapist_id)
            .returning(table.c.therapist_id, table.c.verifier, table.c.expires_at)
        )).first()
        if row is None:
            return None
        return PendingConnect(state_hash, row.therapist_id, row.verifier, row.expires_at)

    # --- event links and their lease ----------------------------------------------------

    async def link(self, session_id: UUID) -> EventLink | None:
        row = (await self.session.execute(
            select(OutlookEventRow).where(OutlookEventRow.session_id == session_id)
            .execution_options(populate_existing=True)
        )).scalar_one_or_none()
        return link_from_row(row) if row else None

    async def acquire_link(
        self, session_id: UUID, therapist_id: UUID, holder: str, now: datetime, until: datetime
    ) -> EventLink | None:
        await self.session.execute(
            self._insert()(LINKS).values(session_id=session_id, therapist_id=therapist_id, dirty=False)
            .on_conflict_do_nothing(index_elements=["session_id"])
        )
        result = await self.session.execute(
            update(LINKS)
            .where(LINKS.c.session_id == session_id,
                   or_(LINKS.c.lease_holder.is_(None), LINKS.c.lease_until < now))
            .values(lease_holder=holder, lease_until=until, dirty=False)
        )
        return await self.link(session_id) if result.rowcount == 1 else None

    async def mark_dirty(self, session_id: UUID, now: datetime) -> bool:
        result = await self.session.execute(
            update(LINKS)
            .where(LINKS.c.session_id == session_id, LINKS.c.lease_holder.is_not(None),
                   LINKS.c.lease_until >= now)
            .values(dirty=True)
        )
        return result.rowcount == 1

    async def finish_link(self, link: EventLink | None, session_id: UUID, holder: str) -> bool:
        fields = {
            "graph_event_id": link.graph_event_id if link else None,
            "content_hash": link.content_hash if link else None,
            "transaction_id": link.transaction_id if link else None,
            "synced_at": link.synced_at if link else None,
        }
        mine = (LINKS.c.session_id == session_id) & (LINKS.c.lease_holder == holder)
        released = await self.session.execute(
            update(LINKS).where(mine, LINKS.c.dirty.is_(False))
            .values(**fields, lease_holder=None, lease_until=None)
        )
        if released.rowcount == 1:
            if link is None or (link.graph_event_id is None and link.transaction_id is None):
                await self.session.execute(
                    delete(LINKS).where(LINKS.c.session_id == session_id, LINKS.c.lease_holder.is_(None))
                )
            return True
        again = await self.session.execute(update(LINKS).where(mine).values(**fields, dirty=False))
        return again.rowcount == 0  # 0: the lease expired and someone else syncs now

    async def release_link(self, session_id: UUID, holder: str) -> None:
        await self.session.execute(
            update(LINKS).where(LINKS.c.session_id == session_id, LINKS.c.lease_holder == holder)
            .values(lease_holder=None, lease_until=None)
        )

    async def set_transaction(self, session_id: UUID, holder: str, transaction_id: str) -> None:
        await self.session.execute(
            update(LINKS).where(LINKS.c.session_id == session_id, LINKS.c.lease_holder == holder)
            .values(transaction_id=transaction_id)
        )

    async def drop_links(self, therapist_id: UUID) -> None:
        await self.session.execute(delete(LINKS).where(LINKS.c.therapist_id == therapist_id))

    async def resync_targets(self, therapist_id: UUID, after: datetime) -> list[UUID]:
        stale = await self.session.execute(
            select(LINKS.c.session_id)
            .select_from(LINKS.outerjoin(SessionRow.__table__, SessionRow.id == LINKS.c.session_id))
            .where(LINKS.c.therapist_id == therapist_id,
                   or_(SessionRow.id.is_(None), SessionRow.status == SessionStatus.CANCELLED.value))
        )
        upcoming = await self.session.execute(
            select(SessionRow.id)
            .where(SessionRow.therapist_id == therapist_id,
                   SessionRow.status == SessionStatus.SCHEDULED.value, SessionRow.end_at > after)
            .order_by(SessionRow.start_at, SessionRow.id)
        )
        return list(stale.scalars()) + list(upcoming.scalars())


async def integration_of(db: Database, therapist_id: UUID) -> OutlookIntegration | None:
    """Read model for `me { integrations { outlook } }`."""
    async with db.read_session() as session:
        row = await session.get(OutlookIntegrationRow, therapist_id)
        return integration_from_row(row) if row else None
