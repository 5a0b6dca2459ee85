"""The client portal's accounts and invites, on a unit of work's session."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.portal import PortalAccount, PortalInvite
from persistence.tables.clients import ClientRow
from persistence.tables.portal import PortalAccountRow, PortalInviteRow


def invite_from_row(row: PortalInviteRow) -> PortalInvite:
    return PortalInvite(row.id, row.client_id, row.created_at, row.expires_at, row.used_at, row.sent_to)


def account_from_row(row: PortalAccountRow) -> PortalAccount:
    return PortalAccount(row.client_id, row.password_hash, row.invited_at, row.accepted_at,
                         row.unsubscribed_at)


class SqlPortal:
    """PortalRepository on a unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account(self, client_id: UUID, *, for_update: bool = False) -> PortalAccount | None:
        stmt = select(PortalAccountRow).where(PortalAccountRow.client_id == client_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return account_from_row(row) if row else None

    async def save_account(self, account: PortalAccount) -> None:
        row = await self.session.get(PortalAccountRow, account.client_id)
        if row is None:
            row = PortalAccountRow(client_id=account.client_id)
            self.session.add(row)
        row.password_hash, row.invited_at = account.password_hash, account.invited_at
        row.accepted_at, row.unsubscribed_at = account.accepted_at, account.unsubscribed_at
        await self.session.flush()

    async def active_accounts_by_email(self, email: str) -> list[PortalAccount]:
        stmt = (
            select(PortalAccountRow)
            .join(ClientRow, ClientRow.id == PortalAccountRow.client_id)
            .where(func.lower(ClientRow.email) == email.lower(), PortalAccountRow.accepted_at.is_not(None))
            .order_by(PortalAccountRow.accepted_at.desc())
        )
        return [account_from_row(r) for r in (await self.session.execute(stmt)).scalars()]

    async def add_invite(self, invite: PortalInvite) -> None:
        self.session.add(PortalInviteRow(id=invite.id, client_id=invite.client_id,
                                         created_at=invite.created_at, expires_at=invite.expires_at,
                                         sent_to=invite.sent_to))
        await self.session.flush()

    async def invite(self, invite_id: UUID, *, for_update: bool = False) -> PortalInvite | None:
        stmt = select(PortalInviteRow).where(PortalInviteRow.id == invite_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return invite_from_row(row) if row else None

    async def use_invites(self, client_id: UUID, at: datetime) -> None:
        await self.session.execute(
            update(PortalInviteRow)
            .where(PortalInviteRow.client_id == client_id, PortalInviteRow.used_at.is_(None))
            .values(used_at=at)
        )
