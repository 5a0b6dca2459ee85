"""Password resets (domain/recovery.py) on a unit of work's session."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import tokens
from domain.recovery import PasswordReset, ResetFacts
from persistence.tables.accounts import TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.recovery import PasswordResetRow


def _reset(row: PasswordResetRow) -> PasswordReset:
    return PasswordReset(row.id, row.kind, row.subject_id, row.created_at, row.expires_at, row.used_at)


class SqlPasswordResets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, reset: PasswordReset) -> None:
        self.session.add(PasswordResetRow(id=reset.id, kind=reset.kind, subject_id=reset.subject_id,
                                          created_at=reset.created_at, expires_at=reset.expires_at))
        await self.session.flush()

    async def get(self, reset_id: UUID, *, for_update: bool = False) -> PasswordReset | None:
        stmt = select(PasswordResetRow).where(PasswordResetRow.id == reset_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return _reset(row) if row else None

    async def use_all(self, kind: str, subject_id: UUID, at: datetime) -> None:
        await self.session.execute(
            update(PasswordResetRow)
            .where(PasswordResetRow.kind == kind, PasswordResetRow.subject_id == subject_id,
                   PasswordResetRow.used_at.is_(None))
            .values(used_at=at)
        )

    async def facts(self, reset_id: UUID) -> ResetFacts | None:
        row = await self.session.get(PasswordResetRow, reset_id)
        if row is None or row.subject_id is None:
            return None
        reset = _reset(row)
        if row.kind == tokens.THERAPIST:
            therapist = await self.session.get(TherapistRow, row.subject_id)
            if therapist is None:
                return None
            return ResetFacts(reset, therapist.email, therapist.display_name, None)
        found = (await self.session.execute(
            select(ClientRow.email, ClientRow.first_name, TherapistRow.display_name)
            .join(TherapistRow, TherapistRow.id == ClientRow.therapist_id)
            .where(ClientRow.id == row.subject_id)
        )).first()
        if found is None:
            return None
        return ResetFacts(reset, found[0], found[1], found[2])


def resets_of(uow) -> SqlPasswordResets:
    """The PasswordResetRepository of a SQL unit of work (same transaction)."""
    return SqlPasswordResets(uow.session)
