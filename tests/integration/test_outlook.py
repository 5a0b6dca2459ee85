"""Outlook sync's use cases against a real database (SQLite and PostgreSQL) and the local fake
of Microsoft over real sockets: encryption at rest and key rotation, throttling (429 with
Retry-After), a 500 then success, an outage (the job retries later, the change stays), create
exactly once (retried job, lost response, concurrent duplicates), idempotent delete, an event
deleted in Outlook, a permanent refusal, full names, and the outbox job function.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from adapters.event_bus import InProcessBus
from adapters.outlook_graph import GraphConfig, GraphOutlook, RetryPolicy
from adapters.secrets import FernetBox
from adapters.video import VideoRoomUrls
from domain.errors import SecretUnreadable
from domain.model import (
    CalendarView,
    Client,
    ClientStatus,
    EventType,
    SessionVisit,
    Therapist,
    VisitType,
)
from domain.outlook import SYNC_JOB, UNAVAILABLE, UNREADABLE, OutlookUnavailable, event_for
from domain.services import outlook, sessions
from domain.services.series import SeriesPolicy
from persistence import migrate
from persistence.database import Database
from persistence.tables.outbox import OutboxRow
from persistence.unit_of_work import UnitOfWorkFactory
from tests.fakes.microsoft import FakeMicrosoft
from tests.support.app import BACKENDS, fresh_database
from tests.support.clock import MutableClock
from workers import outlook as outlook_jobs
from workers.jobs import WorkerDeps

KEY = Fernet.generate_key().decode()
REDIRECT = "http://localhost:8000/integrations/outlook/callback"


@pytest.fixture(scope="module")
def microsoft():
    fake = FakeMicrosoft().start()
    yield fake
    fake.stop()


@dataclass
class Env:
    backend: str
    url: str
    db: Database
    uow: UnitOfWorkFactory
    clock: MutableClock
    setup: outlook.OutlookSetup
    microsoft: FakeMicrosoft
    therapist_id: uuid.UUID = uuid.uuid4()
    client_id: uuid.UUID = uuid.uuid4()
    event_type_id: uuid.UUID = uuid.uuid4()
    account: str = ""

    async def session(self, days: int = 3, visit: SessionVisit = SessionVisit.TELEHEALTH) -> uuid.UUID:
        start = (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        made = await sessions.create(self.uow(), self.clock, VideoRoomUrls("https://meet.example"),
                                     self.therapist_id, client_id=self.client_id,
                                     event_type_id=self.event_type_id, start=start, visit=visit)
        return made.session.id

    async def sync(self, session_id: uuid.UUID, setup: outlook.OutlookSetup | None = None) -> outlook.SyncResult:
        return await outlook.sync_session(self.uow, self.clock, setup or self.setup, session_id, self.therapist_id)

    async def integration(self):
        async with self.uow() as uow:
            return await uow.outlook.integration(self.therapist_id)

    async def link(self, session_id):
        async with self.uow() as uow:
            return await uow.outlook.link(session_id)

    def event(self, session_id) -> dict | None:
        return self.microsoft.event_for_session(str(session_id), self.account)

    def posts(self) -> list:
        return self.microsoft.requests("POST", "/v1.0/me/events")


def gateway_for(microsoft: FakeMicrosoft, **retry) -> GraphOutlook:
    return GraphOutlook(GraphConfig(
        client_id=microsoft.client_id, client_secret=microsoft.client_secret,
        authority=microsoft.authority, redirect_url=REDIRECT, graph_base_url=microsoft.graph_base_url,
        retry=RetryPolicy(**{"attempts": 3, "base_delay": 0.01, **retry}),
    ))


@pytest.fixture(params=BACKENDS)
async def env(request, tmp_path_factory, microsoft):
    cleanups: list = []
    url = fresh_database(request.param, tmp_path_factory, cleanups)
    if request.param == "sqlite":
        await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    gateway = gateway_for(microsoft)
    e = Env(request.param, url, db, UnitOfWorkFactory(db, InProcessBus()), MutableClock(),
            outlook.OutlookSetup(gateway, FernetBox([KEY])), microsoft,
            therapist_id=uuid.uuid4(), client_id=uuid.uuid4(), event_type_id=uuid.uuid4())
    now = e.clock.now()
    async with e.uow() as uow:
        await uow.therapists.add(Therapist(e.therapist_id, f"{e.therapist_id}@example.com", "x", "Dr T",
                                           f"t-{e.therapist_id.hex[:12]}", "Europe/Berlin", None,
                                           CalendarView.WEEK, now))
        await uow.event_types.add(EventType(e.event_type_id, e.therapist_id, "Intake", 50,
                                            VisitType.TELEHEALTH_AND_IN_PERSON, None, now))
        await uow.clients.add(Client(e.client_id, e.therapist_id, "Mary Ann", "Okafor", "m@example.com",
                                     None, None, ClientStatus.ACTIVE, now))
        await uow.commit()
    e.account = await connect(e)
    microsoft.reset_log()
    yield e
    await gateway.aclose()
    await db.dispose()
    for cleanup in cleanups:
        cleanup()


async def connect(e: Env) -> str:
    account = f"dr{uuid.uuid4().hex[:8]}@contoso.example"
    e.microsoft.account = account
    start = await outlook.start_connect(e.uow(), e.clock, e.setup, e.therapist_id)
    async with httpx.AsyncClient() as browser:
        back = httpx.URL((await browser.get(start.authorize_url)).headers["location"]).params
    result, who = await outlook.complete_connect(e.uow, e.clock, e.setup, therapist_id=e.therapist_id,
                                                 state=back["state"],
                                                 code=back["code"], error=None)
    assert (result, who) == (outlook.ConnectResult.CONNECTED, e.therapist_id)
    return account


# --- secrets at rest ------------------------------------------------------------------------


async def test_stored_tokens_are_not_readable_without_the_key(env):
    issued = [t for t, (a, _) in env.microsoft.access_tokens.items() if a == env.account]
    issued += [t for t, a in env.microsoft.refresh_tokens.items() if a == env.account]
    assert len(issued) == 2
    async with env.db.read_session() as session:
        raw = (await session.execute(text(
            "SELECT tokens FROM outlook_integrations WHERE therapist_id = :t"),
            {"t": env.therapist_id if env.backend == "postgres" else env.therapist_id.hex})).scalar_one()
        everything = str((await session.execute(text("SELECT * FROM outlook_integrations"))).all())
        everything += str((await session.execute(text("SELECT * FROM outlook_connect_states"))).all())
    assert raw.startswith("gAAAAA")  # a Fernet token
    for secret in issued:
        assert secret not in raw and secret not in everything
    if env.backend == "sqlite":  # not in the database file or its write-ahead log either
        path = Path(env.url.removeprefix("sqlite+aiosqlite:///"))
        blob = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        for secret in issued:
            assert secret.encode() not in blob
    assert json.loads(FernetBox([KEY]).decrypt(raw))["a"] in issued  # the key opens it
    with pytest.raises(SecretUnreadable):
        FernetBox([Fernet.generate_key().decode()]).decrypt(raw)

    # a server whose keys no longer open the tokens: disconnected with a readable reason
    session_id = await env.session()
    wrong = replace(env.setup, box=FernetBox([Fernet.generate_key().decode()]))
    assert await env.sync(session_id, wrong) is outlook.SyncResult.DISCONNECTED
    found = await env.integration()
    assert not found.connected and found.last_error == UNREADABLE
    assert env.posts() == []


async def test_key_rotation_reencrypts_with_the_first_key(env):
    new = Fernet.generate_key().decode()
    rotated = FernetBox([new, KEY])
    before = (await env.integration()).tokens_sealed
    assert await outlook.reencrypt_tokens(env.uow, rotated) == (1, 0)
    after = await env.integration()
    assert after.tokens_sealed != before
    assert FernetBox([new]).decrypt(after.tokens_sealed) == FernetBox([KEY]).decrypt(before)
    with pytest.raises(SecretUnreadable):
        FernetBox([KEY]).decrypt(after.tokens_sealed)  # the old key alone no longer opens it
    session_id = await env.session()  # and sync works with the new key only
    assert await env.sync(session_id, replace(env.setup, box=FernetBox([new]))) is outlook.SyncResult.CREATED


# --- throttling and outages -----------------------------------------------------------------


async def test_a_429_waits_for_retry_after_then_succeeds(env):
    session_id = await env.session()
    env.microsoft.fail(429, headers={"Retry-After": "1"}, method="POST", path="/me/events")
    assert await env.sync(session_id) is outlook.SyncResult.CREATED
    first, second = env.posts()
    assert (first.status, second.status) == (429, 201)
    assert second.at - first.at >= 0.95  # Retry-After: 1 honoured (the backoff alone is 10 ms)
    assert env.event(session_id) is not None and len(env.microsoft.mailbox(env.account)) == 1


async def test_a_500_then_success(env):
    session_id = await env.session()
    env.microsoft.fail(500, method="POST", path="/me/events")
    assert await env.sync(session_id) is outlook.SyncResult.CREATED
    assert [p.status for p in env.posts()] == [500, 201]
    assert len(env.microsoft.mailbox(env.account)) == 1
    assert (await env.integration()).last_error is None


async def test_an_outage_fails_the_job_for_a_later_retry_and_the_session_stays(env):
    session_id = await env.session()
    env.microsoft.fail(503, times=3, method="POST", path="/me/events")  # every attempt of this run
    with pytest.raises(OutlookUnavailable):
        await env.sync(session_id)
    assert (await env.integration()).last_error == UNAVAILABLE
    async with env.uow() as uow:
        assert (await uow.sessions.get(session_id)) is not None  # the change was never at stake
    assert await env.sync(session_id) is outlook.SyncResult.CREATED  # Dramatiq's retry
    found = await env.integration()
    assert found.last_error is None and found.last_sync_at is not None
    assert len(env.microsoft.mailbox(env.account)) == 1


async def test_a_permanent_refusal_is_recorded_and_not_retried(env):
    session_id = await env.session()
    env.microsoft.fail(400, method="POST", path="/me/events")
    assert await env.sync(session_id) is outlook.SyncResult.FAILED
    assert "HTTP 400" in (await env.integration()).last_error
    assert len(env.posts()) == 1


# --- exactly once -----------------------------------------------------------------------------


async def test_create_happens_once_for_retried_and_duplicated_jobs(env):
    session_id = await env.session()
    assert await env.sync(session_id) is outlook.SyncResult.CREATED
    env.microsoft.reset_log()
    assert await env.sync(session_id) is outlook.SyncResult.UNCHANGED  # a duplicated message
    assert env.microsoft.requests() == []

    other = await env.session(days=4)
    results = await asyncio.gather(*(env.sync(other) for _ in range(5)))  # concurrent duplicates
    assert outlook.SyncResult.CREATED in results
    assert [p.status for p in env.posts()] == [201]
    assert len([e for e in env.microsoft.mailbox(env.account).values()]) == 2


async def test_a_create_whose_response_was_lost_is_found_by_our_session_property(env):
    session_id = await env.session()
    # a job POSTed and died before storing the ID: its transaction ID is recorded, the event exists
    async with env.uow() as uow:
        now = env.clock.now()
        await uow.outlook.acquire_link(session_id, env.therapist_id, "dead-job", now, now + timedelta(seconds=1))
        await uow.outlook.set_transaction(session_id, "dead-job", "tx-lost")
        await uow.outlook.release_link(session_id, "dead-job")
        session = await uow.sessions.get(session_id)
        event = event_for(session, await uow.event_types.get(env.event_type_id),
                          await uow.clients.get(env.client_id), await uow.therapists.get(env.therapist_id))
        await uow.commit()
    token = await outlook.access_token(env.uow, env.clock, env.setup, await env.integration())
    made = await env.setup.gateway.create_event(token, event, transaction_id="tx-lost")
    env.microsoft.reset_log()

    assert await env.sync(session_id) is outlook.SyncResult.CREATED
    assert env.posts() == []  # found, not created again
    assert len(env.microsoft.requests("GET", "/v1.0/me/events")) == 1
    assert (await env.link(session_id)).graph_event_id == made
    assert len(env.microsoft.mailbox(env.account)) == 1


async def test_delete_is_idempotent_and_clears_the_stored_id(env):
    session_id = await env.session()
    await env.sync(session_id)
    event_id = (await env.link(session_id)).graph_event_id
    token = await outlook.access_token(env.uow, env.clock, env.setup, await env.integration())
    await env.setup.gateway.delete_event(token, event_id)  # deleted in Outlook meanwhile
    await sessions.cancel(env.uow(), env.therapist_id, sessions.CancelSession(session_id, None, False))
    env.microsoft.reset_log()
    assert await env.sync(session_id) is outlook.SyncResult.DELETED
    assert [r.status for r in env.microsoft.requests("DELETE")] == [404]  # 404 is success
    assert await env.link(session_id) is None
    assert await env.sync(session_id) is outlook.SyncResult.UNCHANGED  # a duplicate: no call
    assert len(env.microsoft.requests("DELETE")) == 1 and await env.link(session_id) is None


async def test_an_event_deleted_in_outlook_comes_back_on_the_next_change(env):
    session_id = await env.session()
    await env.sync(session_id)
    first = (await env.link(session_id)).graph_event_id
    token = await outlook.access_token(env.uow, env.clock, env.setup, await env.integration())
    await env.setup.gateway.delete_event(token, first)
    await sessions.update(env.uow(), env.therapist_id, session_id,
                          sessions.SessionEdit(start=datetime.now(UTC) + timedelta(days=5)))
    assert await env.sync(session_id) is outlook.SyncResult.CREATED
    assert (await env.link(session_id)).graph_event_id not in (None, first)
    assert env.event(session_id) is not None


async def test_full_names_only_when_the_setting_allows(env):
    session_id = await env.session(visit=SessionVisit.IN_PERSON)
    await env.sync(session_id)
    event = env.event(session_id)
    assert event["subject"] == "Intake · M.A.O." and "Okafor" not in json.dumps(event)
    assert event["location"]["displayName"] == "In person" and "meet.example" not in json.dumps(event)
    # the practice opts in (COUCHTIME_OUTLOOK_FULL_NAMES): the next sync patches the name in
    assert await env.sync(session_id, replace(env.setup, full_names=True)) is outlook.SyncResult.PATCHED
    assert env.event(session_id)["subject"] == "Intake · Mary Ann Okafor"


# --- through the outbox ------------------------------------------------------------------------


async def test_a_session_change_becomes_an_outbox_job_whose_actor_syncs(env):
    session_id = await env.session()
    async with env.db.read_session() as session:
        rows = (await session.execute(select(OutboxRow).where(OutboxRow.job == SYNC_JOB))).scalars().all()
    [row] = [r for r in rows if json.loads(r.payload)["session_id"] == str(session_id)]
    payload = json.loads(row.payload)
    assert payload == {"session_id": str(session_id), "therapist_id": str(env.therapist_id)}  # IDs only
    deps = WorkerDeps(db=env.db, uow=env.uow, clock=env.clock, rooms=VideoRoomUrls("https://meet.example"),
                      series_policy=SeriesPolicy(), outlook=env.setup)
    assert await outlook_jobs.sync_session(deps, **payload) == "CREATED"
    assert await outlook_jobs.sync_session(deps, **payload) == "UNCHANGED"
    no_outlook = replace(deps, outlook=outlook.OutlookSetup())
    assert await outlook_jobs.sync_session(no_outlook, **payload) == "SKIPPED"
    started = time.monotonic()
    counts = await outlook_jobs.resync(deps, str(env.therapist_id))
    assert counts == {"UNCHANGED": 1} and time.monotonic() - started < 5
