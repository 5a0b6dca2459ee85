"""Read models for the API: batched by key so that DataLoaders make one statement per kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from domain.model import EventType, Therapist, TimeSlot
from persistence.database import Database
from persistence.mapping import event_type_from_row, therapist_from_row
from persistence.tables import AuthTokenRow, AvailabilitySlotRow, EventTypeRow, TherapistRow


async def therapist_by_token(
    db: Database, token_hash: str, kind: str, now: datetime
) -> Therapist | None:
    """The signed-in therapist for a live token: one statement, joined."""
    stmt = (
        select(TherapistRow)
        .join(AuthTokenRow, AuthTokenRow.subject_id == TherapistRow.id)
        .where(
            AuthTokenRow.token_hash == token_hash,
            AuthTokenRow.kind == kind,
            AuthTokenRow.revoked_at.is_(None),
            AuthTokenRow.expires_at > now,
        )
    )
    async with db.read_session() as session:
        row = (await session.execute(stmt)).scalar_one_or_none()
        return therapist_from_row(row) if row else None


async def weekly_hours_by_therapist(
    db: Database, therapist_ids: Sequence[UUID]
) -> dict[UUID, dict[int, list[TimeSlot]]]:
    stmt = (
        select(AvailabilitySlotRow.therapist_id, AvailabilitySlotRow.weekday,
               AvailabilitySlotRow.start_minute, AvailabilitySlotRow.end_minute)
        .where(AvailabilitySlotRow.therapist_id.in_(list(therapist_ids)))
        .order_by(AvailabilitySlotRow.weekday, AvailabilitySlotRow.start_minute)
    )
    result: dict[UUID, dict[int, list[TimeSlot]]] = {tid: {} for tid in therapist_ids}
    async with db.read_session() as session:
        for therapist_id, weekday, start, end in await session.execute(stmt):
            result[therapist_id].setdefault(weekday, []).append(TimeSlot(start, end))
    return result


async def event_types_by_therapist(
    db: Database, therapist_ids: Sequence[UUID]
) -> dict[UUID, list[EventType]]:
    stmt = (
        select(EventTypeRow)
        .where(EventTypeRow.therapist_id.in_(list(therapist_ids)),
               EventTypeRow.deleted_at.is_(None))
        .order_by(EventTypeRow.created_at, EventTypeRow.id)
    )
    result: dict[UUID, list[EventType]] = {tid: [] for tid in therapist_ids}
    async with db.read_session() as session:
        for row in (await session.execute(stmt)).scalars():
            result[row.therapist_id].append(event_type_from_row(row))
    return result


async def event_types_by_id(
    db: Database, event_type_ids: Sequence[UUID]
) -> dict[UUID, EventType]:
    stmt = select(EventTypeRow).where(EventTypeRow.id.in_(list(event_type_ids)))
    async with db.read_session() as session:
        return {
            row.id: event_type_from_row(row) for row in (await session.execute(stmt)).scalars()
        }
