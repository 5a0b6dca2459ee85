"""The Redis bus survives a Redis restart: it logs, reconnects and delivers again.

Runs its own redis-server on a free port (the shared one must not be restarted)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
import uuid
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from adapters.event_bus import RedisBus
from domain.events import TimeOffChanged
from tests.support.app import IN_CI

REDIS_SERVER = shutil.which("redis-server")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int, tmp_path) -> subprocess.Popen:
    return subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


async def _until(predicate, timeout=10.0):
    for _ in range(int(timeout / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_reconnects_after_a_redis_restart(tmp_path, caplog):
    if REDIS_SERVER is None:
        if IN_CI:
            pytest.fail("redis-server not installed")
        pytest.skip("redis-server not installed")
    port = _port()
    server = _start(port, tmp_path)
    redis = Redis.from_url(f"redis://127.0.0.1:{port}/0")
    bus = RedisBus(redis, channel=f"test:{uuid.uuid4().hex}")
    therapist = uuid.uuid4()
    sub = bus.listen(lambda m: m["therapist_id"] == str(therapist))
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    event = TimeOffChanged(therapist, moment, moment)
    try:
        await _until(lambda: _ping(redis))
        await bus.start()
        await asyncio.wait_for(bus.ready.wait(), 10)
        await bus.publish([event])
        assert (await asyncio.wait_for(sub.next(), 5))["type"] == "TimeOffChanged"
        with caplog.at_level(logging.WARNING, logger="adapters.event_bus"):
            server.kill()
            server.wait()
            await _until(lambda: _not_ready(bus))
            server = _start(port, tmp_path)
            await asyncio.wait_for(bus.ready.wait(), 15)
        assert any("connection lost" in r.getMessage() for r in caplog.records)
        assert any("reconnected" in r.getMessage() for r in caplog.records)
        await bus.publish([event])
        assert (await asyncio.wait_for(sub.next(), 5))["type"] == "TimeOffChanged"
    finally:
        sub.close()
        await bus.stop()
        await redis.aclose()
        server.kill()
        server.wait()


async def _ping(redis: Redis) -> bool:
    try:
        return bool(await redis.ping())
    except Exception:  # noqa: BLE001
        return False


async def _not_ready(bus: RedisBus) -> bool:
    return not bus.ready.is_set()
