"""Therapists' accounts and their bearer tokens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import ErrorCode, RuleViolation
from domain.model import Therapist
from persistence.mapping import therapist_from_row, therapist_to_row
from persistence.tables.accounts import AuthTokenRow, TherapistRow


class SqlTherapists:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, therapist_id: UUID, *, for_update: bool = False) -> Therapist | None:
        stmt = select(TherapistRow).where(TherapistRow.id == therapist_id)
        if for_update:
            stmt = stmt.with_for_update()  # a no-op on SQLite, whose writers are serialised
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return therapist_from_row(row) if row else None

    async def by_email(self, email: str) -> Therapist | None:
        stmt = select(TherapistRow).where(TherapistRow.email == email)
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return therapist_from_row(row) if row else None

    async def by_username(self, username: str, *, for_update: bool = False) -> Therapist | None:
        stmt = select(TherapistRow).where(TherapistRow.username == username)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return therapist_from_row(row) if row else None

    async def email_taken(self, email: str) -> bool:
        stmt = select(func.count()).select_from(TherapistRow).where(TherapistRow.email == email)
        return bool((await self.session.execute(stmt)).scalar_one())

    async def username_taken(self, username: str, *, except_id: UUID | None = None) -> bool:
        stmt = select(func.count()).select_from(TherapistRow).where(
            TherapistRow.username == username
        )
        if except_id is not None:
            stmt = stmt.where(TherapistRow.id != except_id)
        return bool((await self.session.execute(stmt)).scalar_one())

    async def add(self, therapist: Therapist) -> None:
        self.session.add(therapist_to_row(therapist))
        await self._flush_unique()

    async def save(self, therapist: Therapist) -> None:
        row = await self.session.get(TherapistRow, therapist.id)
        therapist_to_row(therapist, row)
        await self._flush_unique()

    async def _flush_unique(self) -> None:
        """A concurrent sign-up can pass the check and lose at the unique index: say so."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            text = str(exc.orig).lower()
            if "username" in text:
                raise RuleViolation.one(
                    ("username",), ErrorCode.USERNAME_TAKEN, "This username is taken."
                ) from None
            if "email" in text:
                raise RuleViolation.one(
                    ("email",), ErrorCode.EMAIL_TAKEN, "An account with this email already exists."
                ) from None
            raise



class SqlTokens:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, *, token_hash: str, kind: str, subject_id: UUID, created_at: datetime,
        expires_at: datetime,
    ) -> None:
        self.session.add(
            AuthTokenRow(
                token_hash=token_hash, kind=kind, subject_id=subject_id, created_at=created_at,
                expires_at=expires_at,
            )
        )

    async def revoke(self, token_hash: str, at: datetime) -> UUID | None:
        result = await self.session.execute(
            update(AuthTokenRow)
            .where(AuthTokenRow.token_hash == token_hash, AuthTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(AuthTokenRow.subject_id)
        )
        return result.scalar_one_or_none()

    async def revoke_all(
        self, subject_id: UUID, kind: str, at: datetime, *, keep: str | None = None
    ) -> list[str]:
        stmt = (
            update(AuthTokenRow)
            .where(AuthTokenRow.subject_id == subject_id, AuthTokenRow.kind == kind,
                   AuthTokenRow.revoked_at.is_(None), AuthTokenRow.expires_at > at)
            .values(revoked_at=at)
            .returning(AuthTokenRow.token_hash)
        )
        if keep is not None:
            stmt = stmt.where(AuthTokenRow.token_hash != keep)
        return list((await self.session.execute(stmt)).scalars())

    async def subject_of(self, token_hash: str, kind: str, now: datetime) -> UUID | None:
        row = await self.session.get(AuthTokenRow, token_hash)
        if row is None or row.kind != kind or row.revoked_at is not None or row.expires_at <= now:
            return None
        return row.subject_id
