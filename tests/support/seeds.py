"""Rows written in bulk, straight to the tables, for tests and benches that need thousands of
them: weekly series behind their horizon (and what a complete extension leaves), and sessions due
for their reminders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from domain import recurrence
from domain.wallclock import local_date
from persistence.database import Database
from persistence.tables.accounts import TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.portal import PortalAccountRow
from persistence.tables.reminders import ReminderSettingsRow
from persistence.tables.series import SeriesRow
from persistence.tables.sessions import SessionRow

ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC")
HORIZON_DAYS = 56


@dataclass(frozen=True)
class SeededSeries:
    id: uuid.UUID
    zone: str
    anchor: date
    start_minute: int
    materialised_until: date  # as seeded: no occurrence exists up to and including it

    def rule(self) -> recurrence.SeriesRule:
        return recurrence.SeriesRule(anchor_date=self.anchor, start_minute=self.start_minute,
                                     length_minutes=50, every_weeks=1, zone_name=self.zone)

    def expected_dates(self, until: date) -> list[date]:
        """The occurrence dates extension must create to reach `until`."""
        return recurrence.occurrence_dates(self.rule(), self.materialised_until + timedelta(days=1), until)


async def seed_series(db: Database, count: int, *, behind_days: int, horizon_days: int = HORIZON_DAYS,
                      therapists: int = 10, now: datetime | None = None) -> list[SeededSeries]:
    """`count` active weekly series, each materialised to its therapist's local today +
    horizon − `behind_days` with no occurrence rows yet (so extension has that much to do).
    Written with a few bulk inserts (therapists, event types, a client per series, series)."""
    now = now or datetime.now(UTC)
    run = uuid.uuid4().hex[:8]
    people = [(uuid.uuid4(), ZONES[i % len(ZONES)]) for i in range(therapists)]
    event_types = {tid: uuid.uuid4() for tid, _ in people}
    seeded: list[SeededSeries] = []
    clients, series = [], []
    for i in range(count):
        tid, zone = people[i % therapists]
        until = local_date(now, ZoneInfo(zone)) + timedelta(days=horizon_days - behind_days)
        s = SeededSeries(uuid.uuid4(), zone, until - timedelta(days=7 + i % 7), 8 * 60 + (i % 20) * 30, until)
        seeded.append(s)
        client_id = uuid.uuid4()
        clients.append({"id": client_id, "therapist_id": tid, "first_name": "Client", "last_name": str(i),
                        "email": f"c{i}-{run}@example.com", "status": "ACTIVE", "created_at": now})
        series.append({"id": s.id, "therapist_id": tid, "client_id": client_id, "event_type_id": event_types[tid],
                       "anchor_date": s.anchor, "start_minute": s.start_minute, "length_minutes": 50,
                       "every_weeks": 1, "visit": "TELEHEALTH", "active": True, "materialised_until": until,
                       "created_at": now})
    async with db.write_session() as session, session.begin():
        await session.execute(insert(TherapistRow), [
            {"id": tid, "email": f"t{n}-{run}@example.com", "password_hash": "x", "display_name": "Dr Bench",
             "username": f"bench-{run}-{n}", "time_zone": zone, "calendar_view": "WEEK", "created_at": now}
            for n, (tid, zone) in enumerate(people)])
        await session.execute(insert(EventTypeRow), [
            {"id": et, "therapist_id": tid, "title": "Therapy", "minutes": 50, "visit_type": "TELEHEALTH_ONLY",
             "price_cents": 12000, "currency": "USD", "created_at": now} for tid, et in event_types.items()])
        for chunk in range(0, count, 1000):
            await session.execute(insert(ClientRow), clients[chunk:chunk + 1000])
            await session.execute(insert(SeriesRow), series[chunk:chunk + 1000])
    return seeded


@dataclass(frozen=True)
class SeriesState:
    materialised_until: dict[uuid.UUID, date]
    occurrences: dict[uuid.UUID, list[date]]  # sorted, duplicates kept (there must be none)
    sessions: int


async def series_state(db: Database) -> SeriesState:
    async with db.read_session() as session:
        until = dict((await session.execute(select(SeriesRow.id, SeriesRow.materialised_until))).all())
        occurrences: dict[uuid.UUID, list[date]] = {sid: [] for sid in until}
        rows = await session.execute(select(SessionRow.series_id, SessionRow.occurrence_date)
                                     .where(SessionRow.series_id.is_not(None))
                                     .order_by(SessionRow.series_id, SessionRow.occurrence_date))
        for sid, day in rows:
            occurrences.setdefault(sid, []).append(day)
        total = (await session.execute(select(func.count()).select_from(SessionRow))).scalar_one()
    return SeriesState(until, occurrences, total)


async def count_sessions(db: Database) -> int:
    async with db.read_session() as session:
        return (await session.execute(select(func.count()).select_from(SessionRow))).scalar_one()


def complete_problems(seeded: Sequence[SeededSeries], state: SeriesState, *, horizon_days: int = HORIZON_DAYS,
                      now: datetime | None = None) -> list[str]:
    """What is wrong, per series: materialised short of the horizon, an occurrence twice, or
    occurrences other than exactly those the rule gives up to `materialised_until`."""
    now = now or datetime.now(UTC)
    problems = []
    for s in seeded:
        until = state.materialised_until[s.id]
        if until < local_date(now, ZoneInfo(s.zone)) + timedelta(days=horizon_days):
            problems.append(f"{s.id}: materialised until {until} only")
        got = state.occurrences.get(s.id, [])
        if len(got) != len(set(got)):
            problems.append(f"{s.id}: duplicate occurrences")
        if got != s.expected_dates(until):
            problems.append(f"{s.id}: {len(got)} occurrences, expected {len(s.expected_dates(until))}")
    return problems


async def seed_due_reminders(db: Database, now: datetime, *, due: int, not_due: int,
                            therapists: int = 100) -> None:
    """`due` sessions due for their 30-minute reminder at `now` (client c{i}@example.com, with
    portal access) and `not_due` that are not; made 10 days before `now`."""
    long_ago = now - timedelta(days=10)
    therapist_rows, event_types, settings, clients, portal, sessions = [], [], [], [], [], []
    for t in range(therapists):
        tid, eid = uuid.uuid4(), uuid.uuid4()
        therapist_rows.append(dict(id=tid, email=f"t{t}-{tid.hex[:6]}@example.com", password_hash="x",
                               display_name=f"T {t}", username=f"t-{tid.hex[:10]}", time_zone="UTC",
                               calendar_view="WEEK", created_at=long_ago))
        event_types.append(dict(id=eid, therapist_id=tid, title="Session", minutes=50,
                                visit_type="TELEHEALTH_ONLY", created_at=long_ago))
        settings.append(dict(therapist_id=tid, enabled=True, lead_minutes=30, also_day_before=False))
    for i in range(due + not_due):
        t = therapist_rows[i % therapists]
        cid = uuid.uuid4()
        clients.append(dict(id=cid, therapist_id=t["id"], first_name="C", last_name=str(i),
                            email=f"c{i}@example.com", status="ACTIVE", created_at=long_ago))
        is_due = i < due
        if is_due or i % 2:  # half the not-due ones have portal access but start a day later
            portal.append(dict(client_id=cid, password_hash="x", invited_at=long_ago, accepted_at=long_ago))
        start = now + timedelta(minutes=30) - timedelta(seconds=i % 60) if is_due else now + timedelta(days=1, hours=1)
        sessions.append(dict(id=uuid.uuid4(), therapist_id=t["id"], client_id=cid,
                             event_type_id=event_types[i % therapists]["id"], start_at=start,
                             end_at=start + timedelta(minutes=50), visit="TELEHEALTH",
                             meeting_url="https://meet.example/x", status="SCHEDULED", source="MANUAL",
                             notify_client=False, claim_status="NONE", created_at=long_ago))
    async with db.write_session() as session, session.begin():
        for table, rows in ((TherapistRow, therapist_rows), (EventTypeRow, event_types),
                            (ReminderSettingsRow, settings), (ClientRow, clients),
                            (PortalAccountRow, portal), (SessionRow, sessions)):
            for start in range(0, len(rows), 2000):
                await session.execute(insert(table), rows[start:start + 2000])
