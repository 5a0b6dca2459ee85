"""The socket guard's bookkeeping: revocations by token hash, expiries by the service's clock."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from adapters.event_bus import InProcessBus
from couchtime.socket_auth import SocketGuard
from domain.events import SignedOut
from tests.support.clock import MutableClock

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def test_a_signed_out_token_closes_its_sockets_only():
    clock = MutableClock(T0)
    guard, bus = SocketGuard(clock), InProcessBus()
    bus.tap(guard.on_message)
    closed: list[str] = []

    def closer(name: str):
        async def close() -> None:
            closed.append(name)
        return close

    guard.watch("hash-a", T0 + timedelta(hours=1), closer("a1"))
    guard.watch("hash-a", T0 + timedelta(hours=1), closer("a2"))
    kept = guard.watch("hash-b", T0 + timedelta(hours=1), closer("b"))
    await bus.publish([SignedOut(uuid.uuid4(), "hash-a")])
    await asyncio.sleep(0)
    assert sorted(closed) == ["a1", "a2"] and guard.watched == 1
    await bus.publish([SignedOut(uuid.uuid4(), "hash-a")])  # again: nothing left to close
    await asyncio.sleep(0)
    assert sorted(closed) == ["a1", "a2"]
    guard.unwatch(kept)
    assert guard.watched == 0
    await guard.stop()


async def test_expiry_follows_the_clock_and_skips_closed_sockets():
    clock = MutableClock(T0)
    guard = SocketGuard(clock, tick_seconds=3600)  # driven by hand below
    closed: list[str] = []

    def closer(name: str):
        async def close() -> None:
            closed.append(name)
        return close

    guard.watch("h1", T0 + timedelta(minutes=10), closer("soon"))
    gone = guard.watch("h2", T0 + timedelta(minutes=5), closer("already closed"))
    guard.watch("h3", T0 + timedelta(hours=2), closer("later"))
    guard.unwatch(gone)
    guard.expire_due()
    await asyncio.sleep(0)
    assert closed == []
    clock.advance(timedelta(minutes=30))
    guard.expire_due()
    await asyncio.sleep(0)
    assert closed == ["soon"] and guard.watched == 1
    clock.advance(timedelta(hours=2))
    guard.expire_due()
    await asyncio.sleep(0)
    assert closed == ["soon", "later"] and guard.watched == 0
    await guard.stop()
