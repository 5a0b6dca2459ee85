"""Live updates across processes: two `couchtime serve` processes and a `couchtime worker` on
PostgreSQL and Redis. A subscriber on process A hears what process B or the worker did."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import redis

from tests.support.app import PG_URL, REDIS_URL, need
from tests.support.databases import create_pg_database
from tests.support.live_client import LiveClient, init_close_code
from tests.support.processes import COUCHTIME, migrate, process_env, serve_processes

CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id start recurring } after { start } } }"""
SIGN_UP = """mutation($i: SignUpInput!) { signUp(input: $i) { token userErrors { code } } }"""
EVENT_TYPE = """mutation { createEventType(input: {title: "T", minutes: 50, visitType: TELEHEALTH_ONLY}) { eventType { id } } }"""
CLIENT = """mutation { createClient(input: {firstName: "A", lastName: "B", email: "ab@example.com"}) { client { id } } }"""
CREATE = """mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } userErrors { code } } }"""
CANCEL = """mutation($i: CancelSessionInput!) { cancelSession(input: $i) { userErrors { code } } }"""
MOVE = """mutation($i: RescheduleSessionInput!) { rescheduleSession(input: $i) { userErrors { code } } }"""
RANGE = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-30T00:00:00Z"}


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[dict]:
    """Started once for the module: every test signs up its own therapists."""
    redis_url = need("redis", REDIS_URL)
    url, drop = create_pg_database(need("database", PG_URL))
    ns = f"couchtime-live-{uuid.uuid4().hex[:8]}"
    settings = {"COUCHTIME_REDIS_URL": redis_url, "COUCHTIME_JOBS_NAMESPACE": f"{ns}:jobs",
                "COUCHTIME_LIVE_CHANNEL": f"{ns}:live", "COUCHTIME_SERIES_HORIZON_WEEKS": "2",
                "COUCHTIME_LOG_LEVEL": "WARNING"}
    worker = None
    try:
        await asyncio.to_thread(migrate, url)
        worker_env = process_env(url, **{**settings, "COUCHTIME_SERIES_HORIZON_WEEKS": "4"})
        import subprocess

        worker = subprocess.Popen([COUCHTIME, "worker", "--processes", "1", "--threads", "2"], env=worker_env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        async with serve_processes(url, 2, **settings) as procs:
            yield {"a": procs[0].base_url, "b": procs[1].base_url, "procs": procs}
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except Exception:  # noqa: BLE001
                worker.kill()
        drop()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{ns}:*"):
            client.delete(key)
        client.close()


async def gql(http, base, query, variables=None, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = (await http.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                            headers=headers)).json()
    assert not body.get("errors"), body
    return body["data"]


async def therapist(http, base, time_zone="UTC"):
    suffix = uuid.uuid4().hex[:8]
    token = (await gql(http, base, SIGN_UP, {"i": {"email": f"x{suffix}@example.com", "password": "a long fanout password",
                                                   "displayName": "X", "username": f"x-{suffix}",
                                                   "timeZone": time_zone}}))["signUp"]["token"]
    event_type = (await gql(http, base, EVENT_TYPE, token=token))["createEventType"]["eventType"]["id"]
    client = (await gql(http, base, CLIENT, token=token))["createClient"]["client"]["id"]
    return token, event_type, client


async def test_subscriber_on_a_hears_mutations_on_b_and_nothing_of_others(cluster):
    async with httpx.AsyncClient(timeout=20) as http:
        x, x_type, x_client = await therapist(http, cluster["a"])
        y, y_type, y_client = await therapist(http, cluster["b"])
        async with LiveClient(cluster["a"], x) as live:
            op = await live.subscribe(CALENDAR, RANGE)
            await asyncio.sleep(0.3)
            made = (await gql(http, cluster["b"], CREATE, {"i": {"clientId": x_client, "eventTypeId": x_type,
                                                                 "start": "2026-03-10T10:00:00Z"}}, x))["createSession"]
            change = (await live.data(op, timeout=10))["calendarChanged"]
            assert change["kind"] == "CREATED" and change["sessionId"] == made["session"]["id"]
            # therapist Y's change on B never reaches X
            await gql(http, cluster["b"], CREATE, {"i": {"clientId": y_client, "eventTypeId": y_type,
                                                         "start": "2026-03-11T10:00:00Z"}}, y)
            # a refused (rolled back) change publishes nothing
            await gql(http, cluster["b"], CANCEL, {"i": {"sessionId": made["session"]["id"]}}, x)
            assert (await live.data(op, timeout=10))["calendarChanged"]["kind"] == "CANCELLED"
            refused = await gql(http, cluster["b"], MOVE, {"i": {"sessionId": made["session"]["id"],
                                                                 "target": "2026-03-12", "view": "MONTH"}}, x)
            assert refused["rescheduleSession"]["userErrors"][0]["code"] == "SESSION_CANCELLED"
            await live.nothing(op, wait=1.0)


async def test_series_extension_by_the_worker_reaches_subscribers(cluster):
    async with httpx.AsyncClient(timeout=20) as http:
        x, x_type, x_client = await therapist(http, cluster["b"])
        async with LiveClient(cluster["a"], x) as live:
            far = {"from": "2026-01-01T00:00:00Z", "to": "2026-03-01T00:00:00Z"}
            from datetime import UTC, datetime, timedelta

            now = datetime.now(UTC)
            start = (now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
            window = {"from": (now + timedelta(days=16)).isoformat(), "to": (now + timedelta(days=31)).isoformat()}
            op = await live.subscribe(CALENDAR, window)
            other = await live.subscribe(CALENDAR, far)
            await asyncio.sleep(0.3)
            # the API processes materialise 2 weeks; the worker's horizon is 4: its extension
            # job (relayed from the outbox) creates weeks 3 and 4 and they are announced live
            await gql(http, cluster["b"], CREATE, {"i": {"clientId": x_client, "eventTypeId": x_type,
                                                         "start": start.isoformat(), "repeats": "WEEKLY"}}, x)
            change = (await live.data(op, timeout=20))["calendarChanged"]
            assert change["kind"] == "CREATED" and change["session"]["recurring"] is True
            await live.nothing(other, wait=0.2)


async def test_bad_token_is_refused_with_4403(cluster):
    assert await init_close_code(cluster["a"], "ct_t_nope") == 4403


async def test_disconnect_releases_the_subscription_on_the_server(cluster):
    async with httpx.AsyncClient(timeout=20) as http:
        x, _, _ = await therapist(http, cluster["a"])
        before = (await http.get(cluster["a"] + "/healthz")).json()["liveSubscribers"]
        async with LiveClient(cluster["a"], x) as live:
            for _ in range(3):
                await live.subscribe(CALENDAR, RANGE)
            await asyncio.sleep(0.3)
            assert (await http.get(cluster["a"] + "/healthz")).json()["liveSubscribers"] == before + 3
        for _ in range(50):
            if (await http.get(cluster["a"] + "/healthz")).json()["liveSubscribers"] == before:
                break
            await asyncio.sleep(0.1)
        assert (await http.get(cluster["a"] + "/healthz")).json()["liveSubscribers"] == before


async def test_the_connection_quota_of_a_token_spans_both_processes(cluster):
    """10 connections per token (the default), counted in Redis: 5 on A and 5 on B use it up."""
    async with httpx.AsyncClient(timeout=20) as http:
        x, _, _ = await therapist(http, cluster["a"])
    held = [await LiveClient(cluster["a" if i % 2 else "b"], x).__aenter__() for i in range(10)]
    try:
        for side in ("a", "b"):
            assert await init_close_code(cluster[side], x) == 4403
        await held.pop(0).__aexit__(None, None, None)  # one on B closes ...
        for _ in range(50):
            if await init_close_code(cluster["a"], x) is None:  # ... and A has room
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the slot given back on B was not usable on A")
    finally:
        for live in held:
            await live.__aexit__(None, None, None)


async def test_sign_out_on_b_closes_the_socket_on_a(cluster):
    """Issue 13: the revocation travels on the live bus (Redis) and every process closes the
    token's sockets with 4403; a socket of another token stays open."""
    async with httpx.AsyncClient(timeout=20) as http:
        x, _, _ = await therapist(http, cluster["a"])
        y, _, _ = await therapist(http, cluster["a"])
        async with LiveClient(cluster["a"], x) as live, LiveClient(cluster["a"], y) as bystander:
            op = await live.subscribe(CALENDAR, RANGE)
            await asyncio.sleep(0.3)
            assert (await gql(http, cluster["b"], "mutation { signOut { signedOut } }", token=x))["signOut"]["signedOut"]
            assert await asyncio.wait_for(asyncio.shield(live.closed), 5) == 4403
            assert not live._queues[op].qsize() or (await live.next(op))["type"] != "next"
            assert not bystander.closed.done()
