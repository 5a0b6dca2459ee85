"""Issue 8 figure: sessions a minute one worker syncs to Outlook, against the local fake of
Graph (tests/fakes/microsoft.py, its own thread and loop) answering after 20 ms.

One worker = one actor loop (workers.broker.ActorHost) fed by COUCHTIME_WORKER_THREADS (8)
Dramatiq threads: the bench runs the `outlook.sync_session` actor code on one loop, one job at
a time and 8 at a time, for creates (POST) and then patches (PATCH after a reschedule).

    .venv/bin/python -m bench.bench_outlook
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from cryptography.fernet import Fernet

from adapters.event_bus import InProcessBus
from adapters.outlook_graph import GraphConfig, GraphOutlook, RetryPolicy
from adapters.secrets import FernetBox
from adapters.video import VideoRoomUrls
from bench.harness import fresh_database_url
from domain.model import CalendarView, Client, ClientStatus, EventType, SessionVisit, Therapist, VisitType
from domain.services import outlook, sessions
from domain.services.series import SeriesPolicy
from persistence import migrate
from persistence.database import Database
from persistence.unit_of_work import UnitOfWorkFactory
from tests.fakes.microsoft import FakeMicrosoft
from tests.support.clock import MutableClock
from workers import outlook as outlook_jobs
from workers.jobs import WorkerDeps

LATENCY = 0.020
SESSIONS = int(__import__("os").environ.get("BENCH_OUTLOOK_SESSIONS", "240"))


async def seed(uow, clock, count: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    therapist, client, event_type, now = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), clock.now()
    async with uow() as u:
        await u.therapists.add(Therapist(therapist, f"{therapist}@example.com", "x", "Dr B",
                                         f"b-{therapist.hex[:12]}", "UTC", None, CalendarView.WEEK, now))
        await u.event_types.add(EventType(event_type, therapist, "Therapy", 50, VisitType.TELEHEALTH_ONLY, None, now))
        await u.clients.add(Client(client, therapist, "Ann", "Lee", "a@example.com", None, None,
                                   ClientStatus.ACTIVE, now))
        await u.commit()
    rooms, ids = VideoRoomUrls("https://meet.example"), []
    first = (now + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    for i in range(count):
        made = await sessions.create(uow(), clock, rooms, therapist, client_id=client, event_type_id=event_type,
                                     start=first + timedelta(hours=i), visit=SessionVisit.TELEHEALTH)
        ids.append(made.session.id)
    return therapist, ids


async def run(deps: WorkerDeps, therapist: uuid.UUID, ids: list[uuid.UUID], concurrency: int) -> tuple[float, dict]:
    gate = asyncio.Semaphore(concurrency)
    results: dict[str, int] = {}

    async def one(session_id: uuid.UUID) -> None:
        async with gate:
            result = await outlook_jobs.sync_session(deps, str(session_id), str(therapist))
            results[result] = results.get(result, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(s) for s in ids))
    return time.perf_counter() - started, results


async def main() -> None:
    url, drop = fresh_database_url()
    fake = FakeMicrosoft(latency=LATENCY).start()
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    clock = MutableClock()
    uow = UnitOfWorkFactory(db, InProcessBus())
    gateway = GraphOutlook(GraphConfig(
        client_id=fake.client_id, client_secret=fake.client_secret, authority=fake.authority,
        redirect_url="http://localhost:8000/integrations/outlook/callback",
        graph_base_url=fake.graph_base_url, retry=RetryPolicy(base_delay=0.05),
    ))
    setup = outlook.OutlookSetup(gateway, FernetBox([Fernet.generate_key().decode()]))
    deps = WorkerDeps(db=db, uow=uow, clock=clock, rooms=VideoRoomUrls("https://meet.example"),
                      series_policy=SeriesPolicy(), outlook=setup)
    backend = "postgresql" if "postgresql" in url else "sqlite"
    try:
        print(f"Outlook sync [{backend}], fake Graph latency {LATENCY * 1000:.0f} ms, {SESSIONS} sessions a run")
        for concurrency in (1, 8):
            therapist, ids = await seed(uow, clock, SESSIONS)
            start = await outlook.start_connect(uow(), clock, setup, therapist)
            async with httpx.AsyncClient() as browser:
                back = httpx.URL((await browser.get(start.authorize_url)).headers["location"]).params
            await outlook.complete_connect(uow, clock, setup, therapist_id=therapist, state=back["state"],
                                           code=back["code"], error=None)
            await gateway.account(await _token(uow, clock, setup, therapist))  # warm the SDK's imports
            created, counts = await run(deps, therapist, ids, concurrency)
            assert counts == {"CREATED": SESSIONS}, counts
            later = datetime.now(UTC) + timedelta(days=30)
            for i, session_id in enumerate(ids):
                await sessions.update(uow(), therapist, session_id,
                                      sessions.SessionEdit(start=later + timedelta(hours=i)))
            patched, counts = await run(deps, therapist, ids, concurrency)
            assert counts == {"PATCHED": SESSIONS}, counts
            unchanged, _ = await run(deps, therapist, ids, concurrency)
            label = "1 job at a time" if concurrency == 1 else f"{concurrency} jobs at a time (one worker's threads)"
            print(f"  {label}:")
            print(f"    create (POST):  {SESSIONS / created * 60:8.0f} sessions/min  ({created / SESSIONS * 1000:.1f} ms each)")
            print(f"    update (PATCH): {SESSIONS / patched * 60:8.0f} sessions/min  ({patched / SESSIONS * 1000:.1f} ms each)")
            print(f"    unchanged (no Graph call): {SESSIONS / unchanged * 60:8.0f} sessions/min")
    finally:
        await gateway.aclose()
        await db.dispose()
        fake.stop()
        drop()


async def _token(uow, clock, setup, therapist) -> str:
    async with uow() as u:
        integration = await u.outlook.integration(therapist)
    return await outlook.access_token(uow, clock, setup, integration)


if __name__ == "__main__":
    asyncio.run(main())
