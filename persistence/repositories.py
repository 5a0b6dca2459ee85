"""Repositories: domain's storage ports on one SQLAlchemy session (the unit of work's)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import ErrorCode, RuleViolation
from domain.model import EventType, Therapist, TimeSlot
from persistence.mapping import (
    event_type_from_row,
    event_type_to_row,
    therapist_from_row,
    therapist_to_row,
)
from persistence.tables import AuthTokenRow, AvailabilitySlotRow, EventTypeRow, TherapistRow


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

    async def revoke(self, token_hash: str, at: datetime) -> bool:
        result = await self.session.execute(
            update(AuthTokenRow)
            .where(AuthTokenRow.token_hash == token_hash, AuthTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return bool(result.rowcount)


class SqlAvailability:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def week(self, therapist_id: UUID) -> Mapping[int, Sequence[TimeSlot]]:
        rows = await self.session.execute(
            select(AvailabilitySlotRow.weekday, AvailabilitySlotRow.start_minute,
                   AvailabilitySlotRow.end_minute)
            .where(AvailabilitySlotRow.therapist_id == therapist_id)
            .order_by(AvailabilitySlotRow.weekday, AvailabilitySlotRow.start_minute)
        )
        week: dict[int, list[TimeSlot]] = {}
        for weekday, start, end in rows:
            week.setdefault(weekday, []).append(TimeSlot(start, end))
        return week

    async def replace_days(
        self, therapist_id: UUID, days: Mapping[int, Sequence[TimeSlot]]
    ) -> None:
        if not days:
            return
        await self.session.execute(
            delete(AvailabilitySlotRow).where(
                AvailabilitySlotRow.therapist_id == therapist_id,
                AvailabilitySlotRow.weekday.in_(list(days)),
            )
        )
        self.session.add_all(
            AvailabilitySlotRow(
                id=uuid.uuid4(), therapist_id=therapist_id, weekday=weekday,
                start_minute=slot.start_minute, end_minute=slot.end_minute,
            )
            for weekday, slots in days.items()
            for slot in slots
        )


class SqlEventTypes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active(self, therapist_id: UUID) -> list[EventType]:
        rows = await self.session.execute(
            select(EventTypeRow)
            .where(EventTypeRow.therapist_id == therapist_id, EventTypeRow.deleted_at.is_(None))
            .order_by(EventTypeRow.created_at, EventTypeRow.id)
        )
        return [event_type_from_row(row) for row in rows.scalars()]

    async def get(self, event_type_id: UUID) -> EventType | None:
        row = await self.session.get(EventTypeRow, event_type_id)
        return event_type_from_row(row) if row and row.deleted_at is None else None

    async def add(self, event_type: EventType) -> None:
        self.session.add(event_type_to_row(event_type))

    async def save(self, event_type: EventType) -> None:
        row = await self.session.get(EventTypeRow, event_type.id)
        event_type_to_row(event_type, row)

    async def delete(self, event_type_id: UUID, at: datetime) -> None:
        await self.session.execute(
            update(EventTypeRow).where(EventTypeRow.id == event_type_id).values(deleted_at=at)
        )
