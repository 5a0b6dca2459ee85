"""The calendar read: a therapist's sessions around a range with their client, event type and
paperwork facts, in one statement built once at import.

Paperwork facts come from a LEFT JOIN to the note and to the payments of the same sessions summed
once (GROUP BY), not from three subqueries per row. Rows are read through the Core connection
(no ORM session), the session mapped from the row itself, and each distinct client and event type
mapped once per read (a month of 200 sessions has a handful of each).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from uuid import UUID

from sqlalchemy import and_, bindparam, func, select

from domain.model import Client, EventType, Session, SessionFacts
from persistence.database import Database
from persistence.mapping import client_from_row, event_type_from_row, session_from_row
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.sessions import PaymentRow, SessionNoteRow, SessionRow

CONFLICT_MARGIN = timedelta(hours=12)  # the longest session (720 min) reaching into a range


@dataclass(frozen=True)
class CalendarRow:
    session: Session
    client: Client
    event_type: EventType
    facts: SessionFacts


def _statement():
    sessions, clients, event_types = SessionRow.__table__, ClientRow.__table__, EventTypeRow.__table__
    notes, payments = SessionNoteRow.__table__, PaymentRow.__table__

    def around(table):
        return and_(table.c.therapist_id == bindparam("therapist_id"),
                    table.c.start_at < bindparam("until"), table.c.end_at > bindparam("since"))

    counted = sessions.alias("counted")
    paid = (
        select(payments.c.session_id, func.sum(payments.c.amount_cents).label("paid"),
               func.count().label("payments"))
        .join(counted, counted.c.id == payments.c.session_id)
        .where(around(counted))
        .group_by(payments.c.session_id)
        .subquery("paid")
    )
    return (
        select(sessions, *[c.label("c_" + c.name) for c in _own(clients)],
               *[c.label("e_" + c.name) for c in _own(event_types)],
               notes.c.session_id.is_not(None).label("f_note"), paid.c.paid.label("f_paid"),
               paid.c.payments.label("f_count"))
        .join(clients, clients.c.id == sessions.c.client_id)
        .join(event_types, event_types.c.id == sessions.c.event_type_id)
        .outerjoin(notes, notes.c.session_id == sessions.c.id)
        .outerjoin(paid, paid.c.session_id == sessions.c.id)
        .where(around(sessions))
        .order_by(sessions.c.start_at, sessions.c.id)
    )


def _own(table) -> list:
    """A joined table's columns but its id and therapist_id: the session row has them already
    (fewer values to fetch and convert per row, UUIDs above all)."""
    return [c for c in table.c if c.name not in ("id", "therapist_id")]


_CALENDAR = _statement()
_SESSION_WIDTH = len(SessionRow.__table__.c)
# the session's columns by position under their names: a Row's attribute access costs ten
# times a tuple's, and session_from_row reads 21 of them for each of 200 rows
_SessionColumns = namedtuple("_SessionColumns", [c.name for c in SessionRow.__table__.c])  # type: ignore[misc]
_CLIENT_COLUMNS = [(c.name, _SESSION_WIDTH + i) for i, c in enumerate(_own(ClientRow.__table__))]
_EVENT_TYPE_COLUMNS = [(c.name, _SESSION_WIDTH + len(_CLIENT_COLUMNS) + i)
                       for i, c in enumerate(_own(EventTypeRow.__table__))]


async def calendar_rows(
    db: Database, therapist_id: UUID, start: datetime, end: datetime
) -> list[CalendarRow]:
    """Sessions overlapping [start − 12 h, end + 12 h) with client, event type and paperwork
    facts, by start; the margin lets conflicts across the range's edges be seen."""
    params = {"therapist_id": therapist_id, "since": start - CONFLICT_MARGIN,
              "until": end + CONFLICT_MARGIN}
    async with db.hot_read() as conn:
        rows = (await conn.execute(_CALENDAR, params)).all()
    clients: dict[UUID, Client] = {}
    event_types: dict[UUID, EventType] = {}
    found = []
    for row in rows:
        session = session_from_row(_SessionColumns._make(row[:_SESSION_WIDTH]))  # type: ignore[arg-type]
        client = clients.get(session.client_id)
        if client is None:
            client = clients[session.client_id] = client_from_row(columns_of(
                row, _CLIENT_COLUMNS, id=session.client_id, therapist_id=therapist_id))
        event_type = event_types.get(session.event_type_id)
        if event_type is None:
            event_type = event_types[session.event_type_id] = event_type_from_row(columns_of(
                row, _EVENT_TYPE_COLUMNS, id=session.event_type_id, therapist_id=therapist_id))
        note, paid, count = row[-3:]  # f_note, f_paid, f_count
        facts = SessionFacts(bool(note), int(paid or 0), int(count or 0))
        found.append(CalendarRow(session, client, event_type, facts))
    return found


def columns_of(row, columns: list[tuple[str, int]], **known: object) -> SimpleNamespace:
    """One joined table's columns under their own names (what the mappers read), and `known`."""
    return SimpleNamespace(**{name: row[i] for name, i in columns}, **known)
