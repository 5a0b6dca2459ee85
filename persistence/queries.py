"""Read models for the API: batched by key so that DataLoaders make one statement per kind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import bindparam, func, literal, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from domain.booking import Busy
from domain.model import (
    Client,
    ClientStatus,
    EventType,
    Payment,
    Series,
    SeriesSpan,
    Session,
    SessionFacts,
    SessionStatus,
    Therapist,
    TimeOff,
    TimeSlot,
)
from persistence.calendar_rows import columns_of
from persistence.database import Database
from persistence.mapping import (
    client_from_row,
    event_type_from_row,
    payment_from_row,
    series_from_row,
    session_from_row,
    therapist_from_row,
    time_off_from_row,
)
from persistence.repositories.availability import overrides_of
from persistence.repositories.sessions import busy_intervals as _busy_intervals
from persistence.repositories.sessions import session_facts
from persistence.tables.accounts import TherapistRow
from persistence.tables.availability import AvailabilitySlotRow, DateOverrideRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.series import SeriesRow
from persistence.tables.sessions import PaymentRow, SessionNoteRow, SessionRow
from persistence.tables.time_off import TimeOffRow


async def _by_id(db: Database, row_type, ids: Sequence[UUID], to_domain: Callable) -> dict:
    """Rows whose primary key is in `ids`, as domain values by id: one statement."""
    stmt = select(row_type).where(row_type.id.in_(list(ids)))
    async with db.read_session() as session:
        return {row.id: to_domain(row) for row in (await session.execute(stmt)).scalars()}


async def _grouped(db: Database, stmt, keys: Sequence[UUID], key: str, to_domain: Callable) -> dict:
    """Rows of `stmt` grouped under their `key` column, every key present (maybe empty)."""
    result: dict[UUID, list] = {k: [] for k in keys}
    async with db.read_session() as session:
        for row in (await session.execute(stmt)).scalars():
            result[getattr(row, key)].append(to_domain(row))
    return result


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
    return await _grouped(db, stmt, therapist_ids, "therapist_id", event_type_from_row)


async def event_types_by_id(
    db: Database, event_type_ids: Sequence[UUID]
) -> dict[UUID, EventType]:
    return await _by_id(db, EventTypeRow, event_type_ids, event_type_from_row)


async def therapist_by_username(db: Database, username: str) -> Therapist | None:
    stmt = select(TherapistRow).where(TherapistRow.username == username)
    async with db.read_session() as session:
        row = (await session.execute(stmt)).scalar_one_or_none()
        return therapist_from_row(row) if row else None


def _page_and_type():
    therapists, event_types = TherapistRow.__table__, EventTypeRow.__table__
    return (
        select(*[c.label("t_" + c.name) for c in therapists.c],
               *[c.label("e_" + c.name) for c in event_types.c])
        .join_from(therapists, event_types, event_types.c.therapist_id == therapists.c.id)
        .where(therapists.c.username == bindparam("username"),
               event_types.c.id == bindparam("event_type_id"), event_types.c.deleted_at.is_(None))
    )


_PAGE_AND_TYPE = _page_and_type()  # built once (the booking page's first read)
_THERAPIST_COLUMNS = [(c.name, i) for i, c in enumerate(TherapistRow.__table__.c)]
_EVENT_TYPE_COLUMNS = [(c.name, len(_THERAPIST_COLUMNS) + i) for i, c in enumerate(EventTypeRow.__table__.c)]


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[AsyncConnection]:
    """One pooled connection for the reads of one request (the booking page's three): one
    checkout and one reset instead of one per read (a hot read: `Database.hot_read`)."""
    async with db.hot_read() as conn:
        yield conn


async def therapist_and_event_type(
    conn: AsyncConnection, username: str, event_type_id: UUID
) -> tuple[Therapist, EventType] | None:
    """The booking page's therapist and one live event type of theirs: one statement."""
    row = (await conn.execute(
        _PAGE_AND_TYPE, {"username": username, "event_type_id": event_type_id})).one_or_none()
    if row is None:
        return None
    return (therapist_from_row(columns_of(row, _THERAPIST_COLUMNS)),
            event_type_from_row(columns_of(row, _EVENT_TYPE_COLUMNS)))


async def busy_intervals(
    conn: AsyncConnection, therapist_id: UUID, start: datetime, end: datetime
) -> list[Busy]:
    return await _busy_intervals(conn, therapist_id, start, end)


async def time_off_by_therapist(
    db: Database, therapist_ids: Sequence[UUID]
) -> dict[UUID, list[TimeOff]]:
    stmt = select(TimeOffRow).where(TimeOffRow.therapist_id.in_(list(therapist_ids)))
    return await _grouped(db, stmt, therapist_ids, "therapist_id", time_off_from_row)


async def clients_by_id(db: Database, client_ids: Sequence[UUID]) -> dict[UUID, Client]:
    return await _by_id(db, ClientRow, client_ids, client_from_row)


async def sessions_by_client(
    db: Database, client_ids: Sequence[UUID]
) -> dict[UUID, list[Session]]:
    stmt = (
        select(SessionRow)
        .where(SessionRow.client_id.in_(list(client_ids)))
        .order_by(SessionRow.start_at, SessionRow.id)
    )
    return await _grouped(db, stmt, client_ids, "client_id", session_from_row)


async def sessions_by_id(db: Database, session_ids: Sequence[UUID]) -> dict[UUID, Session]:
    return await _by_id(db, SessionRow, session_ids, session_from_row)


async def intake_clients(db: Database, therapist_id: UUID) -> list[Client]:
    """The "New bookings" queue, oldest first."""
    stmt = (
        select(ClientRow)
        .where(ClientRow.therapist_id == therapist_id,
               ClientRow.status == ClientStatus.INTAKE.value)
        .order_by(ClientRow.created_at, ClientRow.id)
    )
    async with db.read_session() as session:
        return [client_from_row(row) for row in (await session.execute(stmt)).scalars()]


async def match_candidates(db: Database, intake: Client, limit: int) -> list[Client]:
    """Active clients of the intake's therapist that may be the same person: same email or same
    name (case-insensitive), or a phone ending in the same last four digits (domain/matching.py
    decides, on the digits)."""
    conditions = [
        func.lower(ClientRow.email) == intake.email.strip().lower(),
        (func.lower(ClientRow.first_name) == intake.first_name.strip().lower())
        & (func.lower(ClientRow.last_name) == intake.last_name.strip().lower()),
    ]
    digits = "".join(ch for ch in (intake.phone or "") if ch.isdigit())
    if len(digits) >= 4:
        conditions.append(ClientRow.phone.like(f"%{digits[-4:]}"))
    stmt = (
        select(ClientRow)
        .where(ClientRow.therapist_id == intake.therapist_id,
               ClientRow.status == ClientStatus.ACTIVE.value, or_(*conditions))
        .order_by(ClientRow.last_name, ClientRow.first_name, ClientRow.id)
        .limit(limit)
    )
    async with db.read_session() as session:
        return [client_from_row(row) for row in (await session.execute(stmt)).scalars()]


ClientKey = tuple[str, str, str]  # (last name, first name, id): the keyset cursor


async def active_clients_page(
    db: Database, therapist_id: UUID, *, first: int, after: ClientKey | None, search: str | None,
) -> tuple[list[Client], bool]:
    """Active clients ordered by last name, first name, id; keyset-paginated; searchable."""
    stmt = select(ClientRow).where(
        ClientRow.therapist_id == therapist_id, ClientRow.status == ClientStatus.ACTIVE.value
    )
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        full_name = func.lower(ClientRow.first_name + " " + ClientRow.last_name)
        stmt = stmt.where(
            or_(full_name.like(pattern, escape="\\"),
                func.lower(ClientRow.last_name).like(pattern, escape="\\"),
                func.lower(ClientRow.email).like(pattern, escape="\\"))
        )
    if after is not None:
        last, first_name, raw_id = after
        stmt = stmt.where(
            tuple_(ClientRow.last_name, ClientRow.first_name, ClientRow.id)
            > tuple_(literal(last), literal(first_name), literal(UUID(raw_id)))
        )
    stmt = stmt.order_by(ClientRow.last_name, ClientRow.first_name, ClientRow.id).limit(first + 1)
    async with db.read_session() as session:
        rows = [client_from_row(row) for row in (await session.execute(stmt)).scalars()]
    return rows[:first], len(rows) > first


async def facts_by_session(db: Database, session_ids: Sequence[UUID]) -> dict[UUID, SessionFacts]:
    async with db.read_session() as session:
        return await session_facts(session, list(session_ids))


async def notes_by_session(db: Database, session_ids: Sequence[UUID]) -> dict[UUID, str]:
    stmt = select(SessionNoteRow.session_id, SessionNoteRow.text).where(
        SessionNoteRow.session_id.in_(list(session_ids))
    )
    async with db.read_session() as session:
        return dict((await session.execute(stmt)).all())


async def overlapping_by_session(
    db: Database, session_ids: Sequence[UUID]
) -> dict[UUID, list[UUID]]:
    """For each scheduled session, the scheduled sessions of its therapist that overlap it."""
    other = aliased(SessionRow)
    stmt = (
        select(SessionRow.id, other.id)
        .join(other, (other.therapist_id == SessionRow.therapist_id) & (other.id != SessionRow.id))
        .where(
            SessionRow.id.in_(list(session_ids)),
            SessionRow.status == SessionStatus.SCHEDULED.value,
            other.status == SessionStatus.SCHEDULED.value,
            other.start_at < SessionRow.end_at,
            other.end_at > SessionRow.start_at,
        )
    )
    result: dict[UUID, list[UUID]] = {sid: [] for sid in session_ids}
    async with db.read_session() as session:
        for sid, oid in await session.execute(stmt):
            result[sid].append(oid)
    return result


async def payments_by_session(db: Database, session_ids: Sequence[UUID]) -> dict[UUID, list[Payment]]:
    stmt = (
        select(PaymentRow).where(PaymentRow.session_id.in_(list(session_ids)))
        .order_by(PaymentRow.recorded_at)
    )
    return await _grouped(db, stmt, session_ids, "session_id", payment_from_row)


async def series_by_id(db: Database, series_ids: Sequence[UUID]) -> dict[UUID, Series]:
    return await _by_id(db, SeriesRow, series_ids, series_from_row)


def _hours_and_series():
    """Weekly hours, active series and date overrides from a date on, as one tagged UNION ALL
    with bound parameters: built once, at import."""
    therapist_id, overrides_from = bindparam("therapist_id"), bindparam("overrides_from")
    slots = select(
        literal("A").label("kind"), AvailabilitySlotRow.weekday.label("a"),
        AvailabilitySlotRow.start_minute.label("b"), AvailabilitySlotRow.end_minute.label("c"),
        literal(None).label("d"), literal(None).label("e"),
    ).where(AvailabilitySlotRow.therapist_id == therapist_id)
    series = select(
        literal("S"), SeriesRow.every_weeks, SeriesRow.start_minute, SeriesRow.length_minutes,
        SeriesRow.anchor_date, SeriesRow.materialised_until,
    ).where(SeriesRow.therapist_id == therapist_id, SeriesRow.active.is_(True))
    overrides = select(
        literal("O"), literal(None), DateOverrideRow.start_minute, DateOverrideRow.end_minute,
        DateOverrideRow.day, literal(None),
    ).where(DateOverrideRow.therapist_id == therapist_id,
            DateOverrideRow.day >= overrides_from)
    return union_all(slots, series, overrides)


_HOURS_AND_SERIES = _hours_and_series()


async def hours_and_series(
    conn: AsyncConnection, therapist_id: UUID, *, overrides_from: date | None = None,
) -> tuple[dict[int, list[TimeSlot]], list[SeriesSpan], dict[date, list[TimeSlot]]]:
    """Weekly hours, active series and date overrides (from `overrides_from` on) of a therapist
    in one statement (a tagged UNION ALL): the booking page needs them all, and its statement
    budget is three."""
    weekly: dict[int, list[TimeSlot]] = {}
    found: list[SeriesSpan] = []
    override_rows: list[tuple] = []
    rows = (await conn.execute(_HOURS_AND_SERIES, {"therapist_id": therapist_id,
                                                   "overrides_from": overrides_from or date.min})).all()
    for kind, a, b, c, d, e in rows:
        if kind == "A":
            weekly.setdefault(a, []).append(TimeSlot(b, c))
            continue
        if kind == "O":
            override_rows.append((d, b, c))
            continue
        found.append(SeriesSpan(
            anchor_date=_as_date(d), start_minute=b, length_minutes=c, every_weeks=a,
            materialised_until=_as_date(e),
        ))
    for day in weekly.values():
        day.sort(key=lambda s: s.start_minute)
    return weekly, found, overrides_of(override_rows)


def _as_date(value) -> date:
    """A UNION loses column types on SQLite: dates may come back as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
