"""Websocket connection quotas across real `couchtime serve` processes on Redis, after failures:
a killed process, a mass disconnect, a client that keeps retrying while refused.

Each open socket is an entry in a Redis sorted set that expires unless its process renews it
(adapters/connection_slots.py); the lifetime is 3 s here so the tests run in seconds."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import redis.asyncio as aioredis

from domain import tokens
from tests.support.app import PG_URL, REDIS_URL, need
from tests.support.databases import create_pg_database
from tests.support.live_client import LiveClient, init_close_code
from tests.support.processes import migrate, serve_processes, sign_up, start_serve, wait_ready

LIFETIME, QUOTA = 3, 11


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[dict]:
    redis_url = need("redis", REDIS_URL)
    url, drop = create_pg_database(need("database", PG_URL))
    ns = f"couchtime-slots-{uuid.uuid4().hex[:8]}"
    settings = {"COUCHTIME_REDIS_URL": redis_url, "COUCHTIME_JOBS_NAMESPACE": f"{ns}:jobs",
                "COUCHTIME_LIVE_CHANNEL": f"{ns}:live", "COUCHTIME_WS_SLOT_PREFIX": f"{ns}:ws:",
                "COUCHTIME_WS_SLOT_LIFETIME_SECONDS": str(LIFETIME),
                "COUCHTIME_WS_MAX_CONNECTIONS_PER_TOKEN": str(QUOTA),
                "COUCHTIME_LOG_LEVEL": "WARNING"}
    client = aioredis.Redis.from_url(redis_url)
    try:
        await asyncio.to_thread(migrate, url)
        async with serve_processes(url, 2, **settings) as procs:
            yield {"a": procs[0].base_url, "b": procs[1].base_url, "url": url, "settings": settings,
                   "redis": client, "prefix": f"{ns}:ws:"}
    finally:
        drop()
        async for key in client.scan_iter(match=f"{ns}:*"):
            await client.delete(key)
        await client.aclose()


def slot_key(cluster: dict, token: str) -> str:
    return cluster["prefix"] + tokens.rate_key("ws", token)


async def open_count(cluster: dict, token: str) -> int:
    """Unexpired entries under the token's key: the count every process goes by."""
    seconds, micros = await cluster["redis"].time()
    now_ms = seconds * 1000 + micros // 1000
    return await cluster["redis"].zcount(slot_key(cluster, token), f"({now_ms}", "+inf")


async def until(check, timeout: float = 30.0) -> None:
    """Polls `check()` (async, truthy when done) until it holds; fails after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            pytest.fail("condition not reached")
        await asyncio.sleep(0.1)


async def open_sockets(bases: list[str], token_list: list[str], per_token: int) -> list[list[LiveClient]]:
    """per_token sockets for each token, alternating between the servers, 20 handshakes at once."""
    gate = asyncio.Semaphore(20)

    async def one(i: int, token: str) -> LiveClient:
        async with gate:
            return await LiveClient(bases[i % len(bases)], token).__aenter__()

    return [await asyncio.gather(*(one(i, token) for i in range(per_token))) for token in token_list]


async def test_a_killed_process_frees_its_slots_within_the_lifetime(cluster):
    async with httpx.AsyncClient(timeout=20) as http:
        token, _ = await sign_up(http, cluster["a"])
    doomed = start_serve(cluster["url"], **cluster["settings"])
    survivors: list[LiveClient] = []
    try:
        await wait_ready(doomed)
        on_doomed = [await LiveClient(doomed.base_url, token).__aenter__() for _ in range(6)]
        survivors = [await LiveClient(cluster["b"], token).__aenter__() for _ in range(3)]
        assert await open_count(cluster, token) == 9
        doomed.popen.send_signal(signal.SIGKILL)
        doomed.popen.wait(timeout=10)
        # nobody renews the dead process's 6 entries: they expire; B keeps renewing its 3
        await until(lambda: _equals(open_count(cluster, token), 3), timeout=LIFETIME * 4)
        await asyncio.sleep(LIFETIME * 1.5)  # beyond a lifetime: B's entries are renewed, not lost
        assert await open_count(cluster, token) == 3
        more = [await LiveClient(cluster["a"], token).__aenter__() for _ in range(QUOTA - 3)]
        assert await init_close_code(cluster["a"], token) == 4403  # and the quota holds again
        survivors += more
        for live in on_doomed:
            await live.__aexit__(None, None, None)
    finally:
        doomed.stop()
        for live in survivors:
            await live.__aexit__(None, None, None)


async def _equals(count, expected: int) -> bool:
    return await count == expected


async def test_500_sockets_closing_at_once_leave_every_counter_at_its_true_value(cluster):
    async with httpx.AsyncClient(timeout=20) as http:
        token_list = [(await sign_up(http, cluster["a" if i % 2 else "b"]))[0] for i in range(50)]
    sockets = await open_sockets([cluster["a"], cluster["b"]], token_list, QUOTA)  # 550 sockets
    keep = [per_token[0] for per_token in sockets]
    closing = [live for per_token in sockets for live in per_token[1:]]
    try:
        assert len(closing) == 500
        assert [await open_count(cluster, token) for token in token_list] == [QUOTA] * 50
        await asyncio.gather(*(live.__aexit__(None, None, None) for live in closing))

        async def all_at_one() -> bool:
            return [await open_count(cluster, token) for token in token_list] == [1] * 50

        await until(all_at_one)
        await asyncio.sleep(LIFETIME * 1.5)  # nothing comes back, nothing of the kept ones expires
        assert [await open_count(cluster, token) for token in token_list] == [1] * 50
        # the quota counts exactly: 10 more fit for a token, the 11th is refused
        extra = [await LiveClient(cluster["b"], token_list[0]).__aenter__() for _ in range(QUOTA - 1)]
        keep += extra
        assert await init_close_code(cluster["a"], token_list[0]) == 4403
    finally:
        await asyncio.gather(*(live.__aexit__(None, None, None) for live in keep))
    await until(lambda: _all_zero(cluster, token_list))


async def _all_zero(cluster: dict, token_list: list[str]) -> bool:
    return all([await open_count(cluster, token) == 0 for token in token_list])


async def test_a_refused_connection_does_not_extend_the_key(cluster):
    """Slots left by a process that died (entries nobody renews) fill the quota: every refused
    attempt leaves the entries and the key's expiry as they were, so they run out."""
    async with httpx.AsyncClient(timeout=20) as http:
        token, _ = await sign_up(http, cluster["a"])
    r, key = cluster["redis"], slot_key(cluster, token)
    seconds, micros = await r.time()
    expires = seconds * 1000 + micros // 1000 + LIFETIME * 1000
    await r.zadd(key, {f"dead-process:{n}": expires for n in range(QUOTA)})
    await r.pexpire(key, LIFETIME * 1000)
    entries, ttl = await r.zrange(key, 0, -1, withscores=True), await r.pttl(key)
    for side in ("a", "b", "a"):
        assert await init_close_code(cluster[side], token) == 4403
        assert await r.zrange(key, 0, -1, withscores=True) == entries
        now_ttl = await r.pttl(key)
        assert 0 < now_ttl <= ttl
        ttl = now_ttl
    # once the dead entries have expired, the token gets in again
    await until(lambda: _accepted(cluster["b"], token), timeout=LIFETIME * 4)


async def _accepted(base: str, token: str) -> bool:
    return await init_close_code(base, token) is None


async def test_healthz_reports_the_collectors_pauses(cluster):
    async with httpx.AsyncClient(timeout=20) as http:
        health = (await http.get(cluster["a"] + "/healthz")).json()
    gc = health["gc"]
    assert gc["frozenAtStart"] > 0  # gc.freeze() after start-up
    assert len(gc["collections"]) == 3 and gc["maxPauseMs"] >= 0 and gc["pausesOver50Ms"] >= 0
