"""Jobs over real processes: `couchtime worker` and `couchtime scheduler` on PostgreSQL and
Redis, and the embedded default (in-process actors inside the app) on SQLite.

- Two workers and the scheduler extending series at once (plus the job fired by hand several
  times) create every occurrence exactly once, every series up to the horizon.
- A worker killed with SIGKILL halfway through an extension leaves whole batches only; the
  next run completes it without duplicates.
- A process killed between commit and relay loses no outbox job: the scheduler's relay loop
  sends it and the actor runs.
- The embedded default: no Redis, the app runs the actors in-process (a UoW's job runs, the
  relay loop picks up a row nobody sent, actor events reach the app's bus).
- The same job relayed twice changes nothing the second time.
- Two workers given each due reminder several times (and two scheduler runs) send one email
  each, over a real SMTP server.
- Overlapping extension runs split the series (SKIP LOCKED) instead of waiting on each other.
- However many schedulers run, a tick's periodic jobs are enqueued once.
- `couchtime worker` / `scheduler` refuse the embedded setup with one clear line.

Each PostgreSQL test has its own fresh database (migrated with `couchtime migrate`); Redis
tests use the COUCHTIME_TEST_REDIS_URL database with a key namespace of their own, deleted
afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import select, update

from adapters.clock import SystemClock
from adapters.event_bus import InProcessBus
from adapters.video import VideoRoomUrls
from couchtime.app import create_app
from couchtime.settings import Settings
from domain.events import SessionChanged
from domain.reminders import ReminderKind
from domain.services.series import EXTEND_JOB, SeriesPolicy, extend_due
from persistence.database import Database
from persistence.tables.outbox import OutboxRow
from persistence.tables.series import SeriesRow
from persistence.tables.sessions import SessionRow
from persistence.unit_of_work import UnitOfWorkFactory
from tests.support.app import PG_URL, REDIS_URL, app_settings, need
from tests.support.databases import create_pg_database
from tests.support.mail import start_smtp
from tests.support.processes import COUCHTIME, migrate, process_env
from tests.support.seeds import complete_problems, count_sessions, seed_series, series_state
from tests.support.seeds import seed_due_reminders as seed_reminders
from workers.broker import JobBroker
from workers.outbox import OutboxRelay
from workers.registry import EXTEND_DUE_JOB, JOBS, periodic_jobs
from workers.scheduler import RedisTickLock, Scheduler

HORIZON = 56  # COUCHTIME_SERIES_HORIZON_WEEKS default (8)


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    return need("redis", REDIS_URL)


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    """A Redis key namespace for this test's broker and scheduler; its keys are deleted after."""
    ns = f"couchtime-test-{uuid.uuid4().hex[:10]}"
    yield ns
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(match=f"{ns}:*", count=1000):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
async def pg() -> AsyncIterator[tuple[str, Database]]:
    """A fresh PostgreSQL database migrated by `couchtime migrate`, and an engine on it."""
    url, drop = create_pg_database(need("database", PG_URL))
    db = None
    try:
        await asyncio.to_thread(migrate, url)
        db = Database(url)
        yield url, db
    finally:
        if db is not None:
            await db.dispose()
        drop()


class Proc:
    """A `couchtime …` subprocess in its own process group (a worker forks children)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        fd, name = tempfile.mkstemp(prefix="couchtime-workers-", suffix=".log")
        self.log_path = Path(name)
        with os.fdopen(fd, "w") as out:
            self.popen = subprocess.Popen([COUCHTIME, *args], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown code runs anywhere."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)

    def terminate(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()

    def stop(self) -> None:
        """SIGTERM to the main process (it stops its children gracefully), then SIGKILL to
        whatever is left of the group."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.popen.poll() is None:
            self.popen.wait(timeout=5)
        self.log_path.unlink(missing_ok=True)


class Procs:
    def __init__(self, url: str, redis_url: str, namespace: str, **settings: str) -> None:
        defaults = {"COUCHTIME_REDIS_URL": redis_url, "COUCHTIME_JOBS_NAMESPACE": namespace,
                    "COUCHTIME_LOG_LEVEL": "WARNING", "COUCHTIME_OUTBOX_RELAY_SECONDS": "1",
                    "COUCHTIME_SCHEDULER_TICK_SECONDS": "1"}
        self.env = process_env(url, **{**defaults, **settings})
        self.started: list[Proc] = []

    def start(self, *args: str, **settings: str) -> Proc:
        proc = Proc(list(args), {**self.env, **settings})
        self.started.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(f"--- {' '.join(p.popen.args[1:])}\n{p.log()}" for p in self.started)

    def stop_all(self) -> None:
        for proc in self.started:  # all at once: each takes a second or two to stop gracefully
            proc.terminate()
        for proc in self.started:
            proc.stop()


@pytest.fixture
def procs() -> Iterator[Callable[..., Procs]]:
    made: list[Procs] = []

    def make(*args, **kwargs) -> Procs:
        made.append(Procs(*args, **kwargs))
        return made[-1]

    yield make
    for p in made:
        p.stop_all()


async def eventually(check: Callable, *, timeout: float, what: str, logs: Callable[[], str] = str) -> None:
    """Until `check()` (maybe async) is truthy; fails with `what` and the processes' logs."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}\n{logs()}")
        await asyncio.sleep(0.1)


async def complete(db: Database, seeded) -> bool:
    return not complete_problems(seeded, await series_state(db))


async def outbox_rows(db: Database, job: str = EXTEND_JOB) -> list[OutboxRow]:
    """The outbox rows of one job kind (extension also writes Outlook-sync rows per session)."""
    async with db.read_session() as session:
        return list((await session.execute(select(OutboxRow).where(OutboxRow.job == job))).scalars())


async def enqueue_without_relay(db: Database, job: str, payload: dict) -> uuid.UUID:
    """A committed outbox row that nobody sent (as if the process died right after commit)."""
    async with UnitOfWorkFactory(db, InProcessBus())() as uow:
        uow.enqueue(job, payload)
        await uow.commit()
    rows = [r for r in await outbox_rows(db) if r.sent_at is None]
    return rows[-1].id


def queues_drained(redis_url: str, namespace: str) -> Callable[[], bool]:
    """No message queued, delayed or being processed (every ack set empty) in the namespace."""
    def check() -> bool:
        client = redis.Redis.from_url(redis_url)
        try:
            if client.llen(f"{namespace}:default") or client.zcard(f"{namespace}:default.DQ"):
                return False
            return all(client.scard(k) == 0 for k in client.scan_iter(match=f"{namespace}:__acks__.*"))
        finally:
            client.close()
    return check


# --- production: workers and the scheduler on PostgreSQL and Redis ------------------------------


async def test_two_workers_and_the_scheduler_create_each_occurrence_once(pg, redis_url, namespace, procs):
    url, db = pg
    seeded = await seed_series(db, 120, behind_days=70)  # 10 weekly occurrences due per series
    expected = sum(len(s.expected_dates(s.materialised_until + timedelta(days=70))) for s in seeded)
    run = procs(url, redis_url, namespace, COUCHTIME_SERIES_EXTEND_BATCH="20")
    sender = JobBroker.redis(redis_url, namespace)
    try:
        for _ in range(2):
            run.start("worker", "--processes", "1", "--threads", "2")
        run.start("scheduler")
        for s in seeded[:2]:  # the job fired by hand as well, several times at once
            sender.send(EXTEND_JOB, {"series_id": str(s.id)})
            sender.send(EXTEND_DUE_JOB, {})
        await eventually(lambda: complete(db, seeded), timeout=40, what="every series extended",
                         logs=run.logs)
        await eventually(queues_drained(redis_url, namespace), timeout=20, what="jobs drained",
                         logs=run.logs)
        state = await series_state(db)
        assert not complete_problems(seeded, state)
        assert state.sessions == expected, (state.sessions, expected)
        for proc in run.started:
            assert proc.popen.poll() is None, proc.log()
    finally:
        sender.close()
        run.stop_all()


async def test_extension_skips_series_another_run_holds_instead_of_waiting(pg):
    """Concurrent extension runs split the series between them: a run leaves alone (and does
    not wait for) the series another transaction is extending; the next run completes them."""
    _, db = pg
    seeded = await seed_series(db, 12, behind_days=14)
    held = {s.id for s in seeded[:4]}
    uow = UnitOfWorkFactory(db, InProcessBus())
    policy = SeriesPolicy(horizon_days=HORIZON)
    async with db.write_session() as other, other.begin():  # another runner, mid-batch
        await other.execute(select(SeriesRow.id).where(SeriesRow.id.in_(held)).with_for_update())
        created = await asyncio.wait_for(
            extend_due(uow, SystemClock(), VideoRoomUrls("https://meet.jit.si"), policy, batch=5), 20)
        state = await series_state(db)
        extended = {s.id for s in seeded if state.occurrences.get(s.id)}
        assert extended == {s.id for s in seeded} - held and created > 0
    await extend_due(uow, SystemClock(), VideoRoomUrls("https://meet.jit.si"), policy, batch=5)
    assert not complete_problems(seeded, await series_state(db))


async def test_worker_killed_mid_extension_leaves_whole_batches_and_a_rerun_completes(
        pg, redis_url, namespace, procs):
    url, db = pg
    seeded = await seed_series(db, 300, behind_days=56)  # 8 occurrences due per series
    expected = sum(len(s.expected_dates(s.materialised_until + timedelta(days=56))) for s in seeded)
    run = procs(url, redis_url, namespace, COUCHTIME_SERIES_EXTEND_BATCH="30")
    sender = JobBroker.redis(redis_url, namespace)
    try:
        worker = run.start("worker", "--processes", "1", "--threads", "1")
        sender.send(EXTEND_DUE_JOB, {})
        await eventually(lambda: count_sessions(db), timeout=30, what="the first batch committed",
                         logs=run.logs)
        worker.kill()
        partial = await series_state(db)
        assert 0 < partial.sessions < expected, (partial.sessions, expected)
        # whole batches only: a series is either extended completely or not at all
        done = [s for s in seeded if partial.occurrences[s.id]]
        untouched = [s for s in seeded if not partial.occurrences[s.id]]
        assert done and untouched
        assert not complete_problems(done, partial)
        assert all(partial.materialised_until[s.id] == s.materialised_until for s in untouched)

        run.start("worker", "--processes", "1", "--threads", "2")
        run.start("scheduler")  # its first tick reruns the extension
        await eventually(lambda: complete(db, seeded), timeout=40, what="the rerun to complete",
                         logs=run.logs)
        state = await series_state(db)
        assert state.sessions == expected
        assert all(partial.occurrences[s.id] == state.occurrences[s.id] for s in done)
    finally:
        sender.close()
        run.stop_all()


CRASH_AFTER_COMMIT = """
import asyncio, os, sys
from adapters.event_bus import InProcessBus
from persistence.database import Database
from persistence.unit_of_work import UnitOfWorkFactory


class DieRightAfterCommit:
    async def committed(self, job_ids):
        os._exit(17)  # the process dies between the commit and handing the job to the broker


async def main(url, series_id):
    async with UnitOfWorkFactory(Database(url), InProcessBus(), DieRightAfterCommit())() as uow:
        uow.enqueue("series.extend", {"series_id": series_id})
        await uow.commit()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_a_process_killed_between_commit_and_relay_loses_no_job(pg, redis_url, namespace, procs):
    url, db = pg
    seeded = await seed_series(db, 20, behind_days=21)
    crashed = subprocess.run([sys.executable, "-c", CRASH_AFTER_COMMIT, url, str(seeded[0].id)],
                             env=process_env(url), capture_output=True, text=True, timeout=60)
    assert crashed.returncode == 17, crashed.stderr
    [row] = await outbox_rows(db)
    assert row.job == EXTEND_JOB and row.sent_at is None
    assert await count_sessions(db) == 0

    run = procs(url, redis_url, namespace, COUCHTIME_SCHEDULER_TICK_SECONDS="0")  # relay only
    try:
        run.start("worker", "--processes", "1", "--threads", "2")
        run.start("scheduler")
        await eventually(lambda: complete(db, seeded), timeout=30,
                         what="the relayed job to extend the series", logs=run.logs)
        [row] = await outbox_rows(db)
        assert row.sent_at is not None and row.attempts == 1
    finally:
        run.stop_all()


async def test_a_job_relayed_twice_changes_nothing_twice(pg, redis_url, namespace, procs):
    url, db = pg
    seeded = await seed_series(db, 30, behind_days=21)
    run = procs(url, redis_url, namespace)
    broker = JobBroker.redis(redis_url, namespace)
    relay = OutboxRelay(db, broker, grace=timedelta(0))
    try:
        run.start("worker", "--processes", "1", "--threads", "4")
        job_id = await enqueue_without_relay(db, EXTEND_JOB, {"series_id": str(seeded[0].id)})
        assert await relay.relay_pending() == 1
        await eventually(lambda: complete(db, seeded), timeout=30, what="the first run", logs=run.logs)
        await eventually(queues_drained(redis_url, namespace), timeout=20, what="jobs drained",
                         logs=run.logs)
        first = await series_state(db)
        first_ids = {r.id for r in await outbox_rows(db)}

        # a relay that sent and crashed before its mark committed: the row is sent again
        async with db.write_session() as session, session.begin():
            await session.execute(update(OutboxRow).where(OutboxRow.id == job_id).values(sent_at=None))
        assert await relay.relay_pending() == 1
        broker.send(EXTEND_JOB, {"series_id": str(seeded[0].id)}, job_id=job_id)  # and a duplicate
        await eventually(queues_drained(redis_url, namespace), timeout=20, what="the reruns",
                         logs=run.logs)
        again = await series_state(db)
        assert again == first
        [row] = await outbox_rows(db)
        assert row.id in first_ids and row.attempts == 2 and row.sent_at is not None
        assert "Traceback" not in run.logs(), run.logs()
    finally:
        broker.close()
        run.stop_all()


async def test_two_workers_send_each_due_reminder_once_however_often_it_is_queued(
        pg, redis_url, namespace, procs):
    """Three due reminders, each queued four times and found again by two scheduler runs,
    handled by two `couchtime worker` processes against a real SMTP server: one email each."""
    url, db = pg
    now = datetime.now(UTC).replace(microsecond=0)
    await seed_reminders(db, now, due=3, not_due=2, therapists=1)
    async with db.read_session() as session:
        due = (await session.execute(select(SessionRow.id, SessionRow.start_at)
                                     .where(SessionRow.start_at < now + timedelta(hours=1)))).all()
    assert len(due) == 3
    controller, inbox = start_smtp()
    run = procs(url, redis_url, namespace, COUCHTIME_SMTP_HOST="127.0.0.1", COUCHTIME_SMTP_PORT=str(inbox.port),
                COUCHTIME_SMTP_SECURITY="none")
    sender = JobBroker.redis(redis_url, namespace)
    try:
        for _ in range(2):
            run.start("worker", "--processes", "1", "--threads", "4")
        for _ in range(4):
            for session_id, start in due:
                sender.send("email.reminder", {"session_id": str(session_id), "kind": ReminderKind.LEAD.value,
                                               "start": start.isoformat()})
        for _ in range(2):
            sender.send("reminders.enqueue_due", {})
        await eventually(lambda: all(inbox.to(f"c{i}@example.com", "Reminder") for i in range(3)),
                         timeout=40, what="a reminder to each client", logs=run.logs)
        await eventually(queues_drained(redis_url, namespace), timeout=20, what="jobs drained", logs=run.logs)
        await inbox.settle(1.0)
        assert [len(inbox.to(f"c{i}@example.com", "Reminder")) for i in range(5)] == [1, 1, 1, 0, 0]
    finally:
        sender.close()
        run.stop_all()
        controller.stop()


async def test_a_tick_is_enqueued_once_however_many_schedulers_run(redis_url, namespace):
    client = AsyncRedis.from_url(redis_url)
    brokers = [JobBroker.redis(redis_url, namespace) for _ in range(3)]
    try:
        schedulers = [Scheduler(b, None, tick_seconds=60, relay_seconds=1,
                                lock=RedisTickLock(client, namespace, 60)) for b in brokers]
        tick = int(time.time() // 60)
        results = await asyncio.gather(*(s.tick(tick) for s in schedulers), *(s.tick(tick) for s in schedulers))
        assert sorted(len(r) for r in results) == [0] * 5 + [len(periodic_jobs())]
        assert await client.llen(f"{namespace}:default") == len(periodic_jobs())
        assert len(await schedulers[0].tick(tick + 1)) == len(periodic_jobs())  # the next tick
    finally:
        for b in brokers:
            b.close()
        await client.aclose()


# --- the embedded default: the same actors inside the app ------------------------------------


async def test_embedded_app_runs_the_actors_in_process(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'couchtime.db'}"
    settings = app_settings(url, scheduler_tick_seconds=0, outbox_relay_seconds=1)
    assert settings.redis_url is None and not settings.external_workers
    app = create_app(settings)
    runtime = app.state.runtime
    heard: list[SessionChanged] = []

    async def listen(event) -> None:
        if isinstance(event, SessionChanged):
            heard.append(event)

    async with app.router.lifespan_context(app):  # migrates, starts the in-process worker
        runtime.bus.subscribe(listen)
        first = await seed_series(runtime.db, 40, behind_days=14)
        async with runtime.services.uow() as uow:  # a use case enqueues; the relay sends at commit
            uow.enqueue(EXTEND_JOB, {"series_id": str(first[0].id)})
            await uow.commit()
        await eventually(lambda: complete(runtime.db, first), timeout=15, what="the in-process actor")
        [row] = await outbox_rows(runtime.db)
        assert row.sent_at is not None and row.attempts == 1
        state = await series_state(runtime.db)
        await eventually(lambda: len(heard) == state.sessions, timeout=5,
                         what="actor events on the app's bus")

        # a row nobody relayed (its process died after commit): the embedded relay loop sends it
        second = await seed_series(runtime.db, 10, behind_days=14)
        job_id = await enqueue_without_relay(runtime.db, EXTEND_JOB, {"series_id": str(second[0].id)})
        await eventually(lambda: complete(runtime.db, first + second), timeout=15,
                         what="the relay loop and the actor")
        assert {r.id: r.sent_at is not None for r in await outbox_rows(runtime.db)}[job_id]
    assert not runtime.embedded.host.running  # stopped with the app


async def test_embedded_scheduler_extends_on_its_first_tick(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'couchtime.db'}"
    from persistence import migrate as migrations

    await asyncio.to_thread(migrations.upgrade, url)
    db = Database(url)
    try:
        seeded = await seed_series(db, 30, behind_days=14)
        app = create_app(app_settings(url, scheduler_tick_seconds=3600))
        async with app.router.lifespan_context(app):
            await eventually(lambda: complete(db, seeded), timeout=15, what="the first tick")
    finally:
        await db.dispose()


# --- command line ---------------------------------------------------------------------------


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("COUCHTIME_")}
    return subprocess.run([COUCHTIME, *args], env={**full, **env}, capture_output=True, text=True,
                          timeout=60, cwd=tempfile.gettempdir())


def test_worker_and_scheduler_refuse_the_embedded_setup_with_one_line():
    for command in ("worker", "scheduler"):
        result = _run(command, env={})
        assert result.returncode == 2, result.stderr
        assert "needs PostgreSQL" in result.stderr and "Redis" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    sqlite_with_redis = _run("worker", env={"COUCHTIME_REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert sqlite_with_redis.returncode == 2 and "needs PostgreSQL" in sqlite_with_redis.stderr
    bad = _run("worker", "--threads", "0", env={})
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_worker_with_redis_unreachable_is_one_line():
    url = need("database", PG_URL)
    result = _run("worker", env={"COUCHTIME_DATABASE_URL": url,
                                 "COUCHTIME_REDIS_URL": "redis://:secret@127.0.0.1:1/0"})
    assert result.returncode == 3, result.stderr
    assert "cannot reach Redis" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


# --- the registry ---------------------------------------------------------------------------


def test_every_job_has_a_fixed_name_bounded_retries_and_a_time_limit():
    assert JOBS[EXTEND_JOB].run and not JOBS[EXTEND_JOB].periodic
    assert EXTEND_DUE_JOB in [j.name for j in periodic_jobs()]
    for job in JOBS.values():
        options = job.actor_options()
        assert 0 < options["max_retries"] <= 10
        assert 0 < options["min_backoff"] <= options["max_backoff"]
        assert 0 < options["time_limit"] <= 60 * 60 * 1000
    broker = JobBroker.in_process(host=None)  # type: ignore[arg-type]
    assert set(broker.actors) == set(JOBS)
    assert all(broker.actors[name].actor_name == name for name in JOBS)


def test_settings_for_jobs_have_defaults_and_are_checked():
    defaults = Settings.from_env({})
    assert (defaults.series_horizon_weeks, defaults.scheduler_tick_seconds, defaults.outbox_relay_seconds,
            defaults.worker_threads) == (8, 60, 5, 8)
    assert Settings.from_env({"COUCHTIME_SERIES_HORIZON_WEEKS": "12"}).series_horizon_weeks == 12
    from couchtime.settings import SettingsError

    with pytest.raises(SettingsError, match="COUCHTIME_WORKER_THREADS"):
        Settings.from_env({"COUCHTIME_WORKER_THREADS": "0"})
    external = replace(defaults, database_url=PG_URL or "postgresql+psycopg://x@h/db", redis_url="redis://h")
    assert external.external_workers and not defaults.external_workers
