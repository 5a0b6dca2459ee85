"""Repositories: domain's storage ports on one SQLAlchemy session (the unit of work's)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import delete, func, or_, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import ErrorCode, RuleViolation
from domain.intervals import Interval
from domain.model import (
    Client,
    EventType,
    Payment,
    Series,
    Session,
    SessionFacts,
    SessionStatus,
    Therapist,
    TimeOff,
    TimeSlot,
)
from persistence import external_busy
from persistence.mapping import (
    client_from_row,
    client_to_row,
    event_type_from_row,
    event_type_to_row,
    payment_from_row,
    series_from_row,
    series_to_row,
    session_from_row,
    session_to_row,
    therapist_from_row,
    therapist_to_row,
    time_off_from_row,
    time_off_to_row,
)
from persistence.tables import (
    AuthTokenRow,
    AvailabilitySlotRow,
    BookingRequestRow,
    ClientRow,
    EventTypeRow,
    OutboxRow,
    PaymentRow,
    SeriesRow,
    SessionNoteRow,
    SessionRow,
    TherapistRow,
    TimeOffRow,
)


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

    async def get(self, event_type_id: UUID, *, include_deleted: bool = False) -> EventType | None:
        row = await self.session.get(EventTypeRow, event_type_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            return None
        return event_type_from_row(row)

    async def get_many(self, event_type_ids: set[UUID]) -> dict[UUID, EventType]:
        if not event_type_ids:
            return {}
        rows = await self.session.execute(
            select(EventTypeRow).where(EventTypeRow.id.in_(list(event_type_ids)))
        )
        return {row.id: event_type_from_row(row) for row in rows.scalars()}

    async def add(self, event_type: EventType) -> None:
        self.session.add(event_type_to_row(event_type))

    async def save(self, event_type: EventType) -> None:
        row = await self.session.get(EventTypeRow, event_type.id)
        event_type_to_row(event_type, row)

    async def delete(self, event_type_id: UUID, at: datetime) -> None:
        await self.session.execute(
            update(EventTypeRow).where(EventTypeRow.id == event_type_id).values(deleted_at=at)
        )


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


class SqlSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: UUID, *, for_update: bool = False) -> Session | None:
        stmt = select(SessionRow).where(SessionRow.id == session_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return session_from_row(row) if row else None

    async def add(self, session: Session) -> None:
        self.session.add(session_to_row(session))
        await self.session.flush()

    async def save(self, session: Session) -> None:
        session_to_row(session, await self.session.get(SessionRow, session.id))
        await self.session.flush()

    async def of_client(self, client_id: UUID) -> list[Session]:
        rows = await self.session.execute(
            select(SessionRow).where(SessionRow.client_id == client_id).order_by(SessionRow.start_at)
        )
        return [session_from_row(r) for r in rows.scalars()]

    async def move_to_client(self, from_client: UUID, to_client: UUID) -> None:
        await self.session.execute(
            update(SessionRow).where(SessionRow.client_id == from_client).values(client_id=to_client)
        )

    async def delete_of_client(self, client_id: UUID) -> list[Session]:
        removed = await self.of_client(client_id)
        await self.session.execute(delete(SessionRow).where(SessionRow.client_id == client_id))
        return removed

    async def busy(self, therapist_id: UUID, start: datetime, end: datetime) -> list[Interval]:
        return await busy_intervals(self.session, therapist_id, start, end)

    async def overlapping(
        self, therapist_id: UUID, interval: Interval, *, exclude: UUID | None = None
    ) -> list[Session]:
        stmt = select(SessionRow).where(
            SessionRow.therapist_id == therapist_id,
            SessionRow.status == SessionStatus.SCHEDULED.value,
            SessionRow.start_at < interval.end,
            SessionRow.end_at > interval.start,
        )
        if exclude is not None:
            stmt = stmt.where(SessionRow.id != exclude)
        return [session_from_row(r) for r in (await self.session.execute(stmt)).scalars()]

    async def overlapping_any(self, therapist_ids: set[UUID], interval: Interval) -> list[Session]:
        stmt = select(SessionRow).where(
            SessionRow.therapist_id.in_(list(therapist_ids)),
            SessionRow.status == SessionStatus.SCHEDULED.value,
            SessionRow.start_at < interval.end,
            SessionRow.end_at > interval.start,
        )
        return [session_from_row(r) for r in (await self.session.execute(stmt)).scalars()]

    async def write_note(self, session_id: UUID, text: str, at: datetime) -> None:
        row = await self.session.get(SessionNoteRow, session_id)
        if row is None:
            self.session.add(SessionNoteRow(session_id=session_id, text=text, updated_at=at))
        else:
            row.text, row.updated_at = text, at
        await self.session.flush()

    async def add_payment(self, payment: Payment) -> None:
        self.session.add(
            PaymentRow(
                id=payment.id, session_id=payment.session_id, amount_cents=payment.amount_cents,
                currency=payment.currency, method=payment.method, recorded_at=payment.recorded_at,
            )
        )
        await self.session.flush()

    async def payments(self, session_id: UUID) -> list[Payment]:
        rows = await self.session.execute(
            select(PaymentRow).where(PaymentRow.session_id == session_id)
            .order_by(PaymentRow.recorded_at)
        )
        return [payment_from_row(r) for r in rows.scalars()]

    async def facts(self, session_id: UUID) -> SessionFacts:
        return (await session_facts(self.session, [session_id]))[session_id]


async def busy_intervals(
    session: AsyncSession, therapist_id: UUID, start: datetime, end: datetime
) -> list[Interval]:
    """Non-cancelled sessions, time off and blocking Outlook busy times overlapping
    [start, end): one statement."""
    sessions = select(SessionRow.start_at.label("s"), SessionRow.end_at.label("e")).where(
        SessionRow.therapist_id == therapist_id,
        SessionRow.status == SessionStatus.SCHEDULED.value,
        SessionRow.start_at < end,
        SessionRow.end_at > start,
    )
    time_off = select(TimeOffRow.starts_at.label("s"), TimeOffRow.ends_at.label("e")).where(
        TimeOffRow.therapist_id == therapist_id,
        TimeOffRow.starts_at < end,
        TimeOffRow.ends_at > start,
    )
    outlook = external_busy.blocking_select(therapist_id, start, end)
    rows = await session.execute(union_all(sessions, time_off, outlook))
    return [Interval(_utc(s), _utc(e)) for s, e in rows]


async def session_facts(session: AsyncSession, session_ids: list[UUID]) -> dict[UUID, SessionFacts]:
    """Has a note? How much paid, in how many payments? One statement for many sessions."""
    rows = await session.execute(select(*facts_columns()).where(SessionRow.id.in_(session_ids)))
    return {row[0]: SessionFacts(bool(row[1]), int(row[2] or 0), int(row[3] or 0)) for row in rows}


def facts_columns() -> tuple:
    """(session id, has note, paid cents, payment count) as correlated subqueries."""
    has_note = (
        select(func.count()).select_from(SessionNoteRow)
        .where(SessionNoteRow.session_id == SessionRow.id).scalar_subquery()
    )
    paid = (
        select(func.coalesce(func.sum(PaymentRow.amount_cents), 0))
        .where(PaymentRow.session_id == SessionRow.id).scalar_subquery()
    )
    count = (
        select(func.count()).select_from(PaymentRow)
        .where(PaymentRow.session_id == SessionRow.id).scalar_subquery()
    )
    return SessionRow.id, has_note, paid, count


def _utc(value: datetime | str) -> datetime:
    """A UNION loses the column type on SQLite: parse and mark UTC where needed."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SqlTimeOff:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, time_off: TimeOff) -> None:
        self.session.add(time_off_to_row(time_off))

    async def get(self, time_off_id: UUID) -> TimeOff | None:
        row = await self.session.get(TimeOffRow, time_off_id)
        return time_off_from_row(row) if row else None

    async def delete(self, time_off_id: UUID) -> None:
        await self.session.execute(delete(TimeOffRow).where(TimeOffRow.id == time_off_id))

    async def of_therapist(self, therapist_id: UUID) -> list[TimeOff]:
        rows = await self.session.execute(
            select(TimeOffRow).where(TimeOffRow.therapist_id == therapist_id)
        )
        return [time_off_from_row(r) for r in rows.scalars()]

    async def save_interval(self, time_off: TimeOff) -> None:
        await self.session.execute(
            update(TimeOffRow).where(TimeOffRow.id == time_off.id).values(
                starts_at=time_off.interval.start, ends_at=time_off.interval.end
            )
        )


class SqlBookingRequests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def session_for(self, key_hash: str) -> tuple[UUID, str | None] | None:
        row = await self.session.get(BookingRequestRow, key_hash)
        return (row.session_id, row.details_hash) if row else None

    async def add(self, key_hash: str, session_id: UUID, at: datetime, details_hash: str) -> None:
        self.session.add(BookingRequestRow(key_hash=key_hash, session_id=session_id, created_at=at,
                                           details_hash=details_hash))


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


class SqlOutbox:
    """Outbox rows written in the unit of work's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, job_id: UUID, job: str, payload: dict, at: datetime) -> None:
        self.session.add(OutboxRow(id=job_id, job=job, payload=json.dumps(payload), created_at=at))
