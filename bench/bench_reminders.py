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
from datetime import UTC, datetime, timedelta

from redis import Redis
from sqlalchemy import insert

from adapters.event_bus import InProcessBus
from bench.harness import fresh_database_url
from couchtime.notifications_wiring import notification_setup
from couchtime.settings import Settings
from domain.services.notifications import enqueue_due_reminders
from persistence import migrate
from persistence.database import Database
from persistence.instrumentation import count_statements
from persistence.tables.accounts import TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.portal import PortalAccountRow
from persistence.tables.reminders import ReminderSettingsRow
from persistence.tables.sessions import SessionRow
from persistence.unit_of_work import UnitOfWorkFactory
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


async def seed(db: Database, now: datetime, *, due: int = DUE, not_due: int = NOT_DUE,
               therapists: int = THERAPISTS) -> None:
    """`due` sessions due for their 30-minute reminder at `now` (client c{i}@example.com, with
    portal access) and `not_due` that are not; made 10 days before `now`. Shared with
    tests/integration/test_workers.py."""
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


async def main() -> None:
    url, drop = fresh_database_url()
    redis_url = os.environ.get("COUCHTIME_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    namespace = f"couchtime-bench-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    broker = JobBroker.redis(redis_url, namespace)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        await seed(db, now)
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
