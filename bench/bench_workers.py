"""Workers figures (the series seeding is shared with the tests: tests/support/seeds.py).

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

from adapters.clock import SystemClock
from adapters.event_bus import InProcessBus
from adapters.video import VideoRoomUrls
from bench.harness import fresh_database_url
from domain.services.series import SeriesPolicy, extend_due
from persistence import migrate
from persistence.database import Database
from persistence.instrumentation import count_statements
from persistence.unit_of_work import UnitOfWorkFactory
from tests.support.seeds import HORIZON_DAYS, seed_series

SERIES = 2_000
MESSAGES = 2_000


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
