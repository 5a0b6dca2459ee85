"""A therapist's clients."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import Client
from persistence.mapping import client_from_row, client_to_row
from persistence.tables.clients import ClientRow


class SqlClients:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, client_id: UUID, *, for_update: bool = False) -> Client | None:
        stmt = select(ClientRow).where(ClientRow.id == client_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return client_from_row(row) if row else None

    async def get_many(self, client_ids: set[UUID]) -> dict[UUID, Client]:
        if not client_ids:
            return {}
        rows = await self.session.execute(select(ClientRow).where(ClientRow.id.in_(list(client_ids))))
        return {row.id: client_from_row(row) for row in rows.scalars()}

    async def add(self, client: Client) -> None:
        self.session.add(client_to_row(client))

    async def save(self, client: Client) -> None:
        client_to_row(client, await self.session.get(ClientRow, client.id))

    async def delete(self, client_id: UUID) -> None:
        await self.session.execute(delete(ClientRow).where(ClientRow.id == client_id))
