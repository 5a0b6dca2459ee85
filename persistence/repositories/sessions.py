"""Sessions with their notes and payments, and the busy-time and facts statements the
read models share."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import bindparam, delete, func, literal, null, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.booking import Busy, BusyKind
from domain.intervals import Interval
from domain.model import Payment, Session, SessionFacts, SessionStatus
from domain.worked_on import NO_CLAIM, Work
from persistence.mapping import payment_from_row, session_from_row, session_to_row
from persistence.repositories import external_busy, waitlist
from persistence.tables.sessions import PaymentRow, SessionNoteRow, SessionRow
from persistence.tables.time_off import TimeOffRow


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

    async def busy(self, therapist_id: UUID, start: datetime, end: datetime) -> list[Busy]:
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



def _busy_statement():
    """Scheduled sessions (with their event type), time off, blocking Outlook busy times and
    active waitlist holds (with their event type) overlapping [start, end), by bound parameters:
    built once, at import."""
    therapist_id, start, end = bindparam("therapist_id"), bindparam("start"), bindparam("end")
    sessions = select(
        SessionRow.start_at.label("s"), SessionRow.end_at.label("e"),
        literal(BusyKind.SESSION.value).label("k"), SessionRow.event_type_id.label("t"),
    ).where(
        SessionRow.therapist_id == therapist_id,
        SessionRow.status == SessionStatus.SCHEDULED.value,
        SessionRow.start_at < end,
        SessionRow.end_at > start,
    )
    time_off = select(
        TimeOffRow.starts_at, TimeOffRow.ends_at, literal(BusyKind.TIME_OFF.value), null(),
    ).where(
        TimeOffRow.therapist_id == therapist_id,
        TimeOffRow.starts_at < end,
        TimeOffRow.ends_at > start,
    )
    outlook = external_busy.blocking_select(therapist_id, start, end, literal(BusyKind.OUTSIDE.value), null())
    holds = waitlist.active_holds_select(therapist_id, start, end, literal(BusyKind.HOLD.value),
                                         waitlist.SlotHoldRow.event_type_id)
    return union_all(sessions, time_off, outlook, holds)


_BUSY = _busy_statement()
_BUSY_KINDS = {kind.value: kind for kind in BusyKind}


async def busy_intervals(
    conn: AsyncSession | AsyncConnection, therapist_id: UUID, start: datetime, end: datetime
) -> list[Busy]:
    """What is busy in [start, end): one statement, on a unit of work's session (booking) or a
    read connection (the slot listing)."""
    rows = await conn.execute(_BUSY, {"therapist_id": therapist_id, "start": start, "end": end})
    return [Busy(Interval(_utc(s), _utc(e)), _BUSY_KINDS[k], t) for s, e, k, t in rows]


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


def worked_on_clause():
    """`domain.worked_on` in SQL, on `sessions` rows: one condition per kind of work (a kind
    without one fails here, at the first query)."""
    done = {
        Work.NOTE: select(SessionNoteRow.session_id)
        .where(SessionNoteRow.session_id == SessionRow.id).exists(),
        Work.PAYMENT: select(PaymentRow.id).where(PaymentRow.session_id == SessionRow.id).exists(),
        Work.CLAIM: SessionRow.claim_status != NO_CLAIM.value,
    }
    return or_(*(done[kind] for kind in Work))
