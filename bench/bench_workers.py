"""Workers figures, and the series seeding shared with tests/integration/test_workers.py.

a) Extending 2,000 weekly series by one week: 2,000 series (10 therapists in four zones)
   materialised to the horizon minus 7 days, then one `extend_due` call (default batch 500):
   wall time and SQL statements. On SQLite, or on PostgreSQL with COUCHTIME_BENCH_DATABASE_URL.
b) Worker throughput on Redis (COUCHTIME_BENCH_REDIS_URL, default redis://127.0.0.1:6379/15,
   in its own key namespace, removed afterwards): 2,000 messages for a no-op actor, then
   2,000 for the series-extension actor (2,000 series, all up to date: each run asks what is
   due and finds nothing), queued first and drained by one Dramatiq worker with the default
   8 threads, in this process, through the same broker and actor host as `couchtime worker`;
   database from COUCHTIME_BENCH_DATABASE_URL (SQLite by default).

    .venv/bin/python -m bench.bench_workers
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from adapters.clock import SystemClock
from adapters.event_bus import InProcessBus
from adapters.video import VideoRoomUrls
from bench.harness import fresh_database_url
from domain import recurrence
from domain.services.series import SeriesPolicy, extend_due
from domain.wallclock import local_date
from persistence import migrate
from persistence.database import Database
from persistence.instrumentation import count_statements
from persistence.tables.accounts import TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.series import SeriesRow
from persistence.tables.sessions import SessionRow
from persistence.unit_of_work import UnitOfWorkFactory

ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC")
SERIES = 2_000
MESSAGES = 2_000
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


# --- a) one extend_due over 2,000 series ---------------------------------------------------


async def bench_extend() -> None:
    url, drop = fresh_database_url()
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        try:
            await seed_series(db, SERIES, behind_days=7)
            uow = UnitOfWorkFactory(db, InProcessBus())
            started = time.perf_counter()
            with count_statements(db.engine) as log:
                created = await extend_due(uow, SystemClock(), VideoRoomUrls("https://meet.jit.si"),
                                           SeriesPolicy(horizon_days=HORIZON_DAYS))
            elapsed = time.perf_counter() - started
            backend = "postgresql" if db.engine.dialect.name == "postgresql" else "sqlite"
            print(f"extend {SERIES} weekly series by one week [{backend}]: {created} sessions created")
            print(f"  time: {elapsed * 1000:.0f} ms   SQL statements: {log.count} "
                  f"({SERIES // 500} batches of 500; one transaction each)")
        finally:
            await db.dispose()
    finally:
        drop()


# --- b) worker throughput on Redis ---------------------------------------------------------


async def bench_throughput() -> None:
    import dramatiq
    import redis
    from dramatiq.brokers.redis import RedisBroker

    from workers import series as series_actors
    from workers.broker import ActorHost, JobBroker
    from workers.jobs import Job, WorkerDeps

    redis_url = os.environ.get("COUCHTIME_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    namespace = f"couchtime-bench-{uuid.uuid4().hex[:8]}"
    url, drop = fresh_database_url()
    done = {"n": 0}
    lock = threading.Lock()
    all_done = threading.Event()

    def counted(code):
        async def run(deps, **kwargs):
            result = await code(deps, **kwargs)
            with lock:
                done["n"] += 1
                if done["n"] >= MESSAGES:
                    all_done.set()
            return result
        return run

    async def noop(deps: WorkerDeps) -> None:
        return None

    client = redis.Redis.from_url(redis_url)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        seed_db = Database(url)
        await seed_series(seed_db, SERIES, behind_days=0)
        await seed_db.dispose()

        def make_deps() -> WorkerDeps:
            db = Database(url)
            return WorkerDeps(db=db, uow=UnitOfWorkFactory(db, InProcessBus()), clock=SystemClock(),
                              rooms=VideoRoomUrls("https://meet.jit.si"),
                              series_policy=SeriesPolicy(horizon_days=HORIZON_DAYS), close=db.dispose)

        jobs = {"bench.noop": Job("bench.noop", counted(noop)),
                "bench.extend": Job("bench.extend", counted(series_actors.extend_all_due))}
        for name in jobs:
            broker = JobBroker(RedisBroker(url=redis_url, namespace=namespace), ActorHost(make_deps), jobs)
            broker.broker.emit_after("process_boot")
            done["n"] = 0
            all_done.clear()
            for _ in range(MESSAGES):
                broker.send(name, {})
            worker = dramatiq.Worker(broker.broker, worker_threads=8)
            started = time.perf_counter()
            worker.start()
            await asyncio.to_thread(all_done.wait, 300)
            elapsed = time.perf_counter() - started
            await asyncio.to_thread(worker.stop)
            print(f"{name}: {MESSAGES} messages in {elapsed:.2f} s = {MESSAGES / elapsed:,.0f} jobs/s "
                  "(1 worker, 8 threads, Redis broker)")
            broker.close()
    finally:
        for key in client.scan_iter(match=f"{namespace}:*"):
            client.delete(key)
        client.close()
        drop()


async def main() -> None:
    await bench_extend()
    await bench_throughput()


if __name__ == "__main__":
    asyncio.run(main())
