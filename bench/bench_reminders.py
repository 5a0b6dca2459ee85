"""Reminder scheduler figure: find and enqueue 10,000 due reminders.

10,000 sessions due for their 30-minute reminder now (100 therapists with reminders on, one
client each with portal access per session) and 10,000 more that are not due (a day later, or
of a client without portal access), then one run of the scheduler's periodic job
(`enqueue_due_reminders`): the due-time query, the reservations (`email_sends`) and the outbox
rows in one transaction, and the hand-over of every outbox job to the Redis broker after commit
(`COUCHTIME_BENCH_REDIS_URL`, default redis://127.0.0.1:6379/15, own namespace, removed after).
Prints wall time, the SQL statements, and a second run's time (nothing new: all reserved).

    .venv/bin/python -m bench.bench_reminders
    COUCHTIME_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.bench_reminders
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

from redis import Redis

from adapters.event_bus import InProcessBus
from bench.harness import fresh_database_url
from couchtime.notifications_wiring import notification_setup
from couchtime.settings import Settings
from domain.services.notifications import enqueue_due_reminders
from persistence import migrate
from persistence.database import Database
from persistence.instrumentation import count_statements
from persistence.unit_of_work import UnitOfWorkFactory
from tests.support.seeds import seed_due_reminders
from workers.broker import JobBroker
from workers.outbox import OutboxRelay

DUE = 10_000
NOT_DUE = 10_000
THERAPISTS = 100


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


async def main() -> None:
    url, drop = fresh_database_url()
    redis_url = os.environ.get("COUCHTIME_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    namespace = f"couchtime-bench-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    broker = JobBroker.redis(redis_url, namespace)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        await seed_due_reminders(db, now, due=DUE, not_due=NOT_DUE, therapists=THERAPISTS)
        settings = Settings(database_url=url, log_level="WARNING")
        setup = notification_setup(settings, db)
        uow = UnitOfWorkFactory(db, InProcessBus(), OutboxRelay(db, broker))
        clock = FixedClock(now)
        with count_statements(db.engine) as log:
            started = time.perf_counter()
            enqueued = await enqueue_due_reminders(uow(), setup, clock)
            first = time.perf_counter() - started
        started = time.perf_counter()
        again = await enqueue_due_reminders(uow(), setup, clock)
        second = time.perf_counter() - started
        backend = "PostgreSQL" if "postgresql" in url else "SQLite"
        print(f"{backend}: {enqueued:,} due reminders found and enqueued (outbox + Redis) in {first:.2f} s; "
              f"a second run (all reserved) enqueued {again} in {second:.2f} s")
        kinds = Counter(" ".join(s.split()[:3]) for s in log.statements)
        print(f"SQL statements: {log.count}")
        for statement, count in kinds.most_common():
            print(f"  {count:>4} × {statement} …")
        print("the candidates query:\n  " + " ".join(log.statements[0].split()))
    finally:
        broker.close()
        r = Redis.from_url(redis_url)
        keys = list(r.scan_iter(f"{namespace}*"))
        if keys:
            r.delete(*keys)
        r.close()
        await db.dispose()
        drop()


if __name__ == "__main__":
    asyncio.run(main())
