"""The periodic scheduler: periodic jobs once per tick, and the outbox relay loop.

Ticks are aligned to the wall clock (tick n covers [n·T, (n+1)·T)), so every scheduler agrees
on which tick it is. With Redis, a tick is claimed with `SET … NX` before its jobs are
enqueued: however many schedulers run (one is the plan; two by mistake, or an old one still
shutting down during a deploy), each tick's jobs are enqueued once. Without Redis (the embedded
default) there is one process and no lock. The actors are idempotent in any case.

A tick that falls while the process is down is not replayed: the next tick's run catches up
(series extension materialises everything due, whatever was missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from redis.asyncio import Redis

from workers.broker import JobBroker
from workers.jobs import Job
from workers.outbox import OutboxRelay
from workers.registry import periodic_jobs

log = logging.getLogger(__name__)


class TickLock(Protocol):
    async def claim(self, tick: int) -> bool:
        """True for the first scheduler asking for this tick."""
        ...


class RedisTickLock:
    def __init__(self, redis: Redis, namespace: str, tick_seconds: int) -> None:
        self.redis = redis
        self.prefix = f"{namespace}:scheduler:tick:"
        self.ttl = max(2 * tick_seconds, 10)

    async def claim(self, tick: int) -> bool:
        return bool(await self.redis.set(f"{self.prefix}{tick}", "1", nx=True, ex=self.ttl))


class Scheduler:
    def __init__(
        self, broker: JobBroker, relay: OutboxRelay | None, *, tick_seconds: int,
        relay_seconds: int, lock: TickLock | None = None, jobs: Sequence[Job] | None = None,
        link_seconds: float = 0, linker: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        self.broker = broker
        self.relay = relay
        self.tick_seconds = tick_seconds
        self.relay_seconds = relay_seconds
        self.lock = lock
        self.link_seconds = link_seconds  # the audit log's linker: more often than the tick
        self.linker = linker
        self.jobs = list(periodic_jobs() if jobs is None else jobs)
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    async def tick(self, number: int | None = None) -> list[str]:
        """Enqueue the periodic jobs for this tick, unless another scheduler already did."""
        if number is None:
            number = int(time.time() // max(self.tick_seconds, 1))
        if self.lock is not None and not await self.lock.claim(number):
            return []
        names = [job.name for job in self.jobs]

        def send_all() -> None:
            for name in names:
                self.broker.send(name, {})

        await asyncio.to_thread(send_all)
        return names

    async def run(self) -> None:
        """Until `stop()`: the first tick at once, then on each tick boundary; the relay every
        `relay_seconds`. A failing pass (database or Redis away) is logged and retried."""
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        if self._stopping:
            return
        tasks = [asyncio.create_task(self._relay_loop())] if self.relay is not None else []
        if self.tick_seconds > 0 and self.jobs:
            tasks.append(asyncio.create_task(self._tick_loop()))
        if self.linker is not None and self.link_seconds > 0:
            tasks.append(asyncio.create_task(self._link_loop()))
        try:
            await self._stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def stop(self) -> None:
        """Thread-safe; also fine before `run()` started its loop."""
        self._stopping = True
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    async def _tick_loop(self) -> None:
        while True:
            number = int(time.time() // self.tick_seconds)
            try:
                await self.tick(number)
            except Exception:  # the next tick tries again
                log.warning("scheduler tick failed", exc_info=True)
            await asyncio.sleep(max((number + 1) * self.tick_seconds - time.time(), 0.01))

    async def _link_loop(self) -> None:
        """The audit log's linker every `link_seconds`, so entries are chained within
        seconds (README: "Audit log"); a second scheduler's linker waits on the chain's lock and
        finds nothing left to do."""
        assert self.linker is not None
        while True:
            try:
                await self.linker()
            except Exception:  # the next pass tries again
                log.warning("audit link pass failed", exc_info=True)
            await asyncio.sleep(self.link_seconds)

    async def _relay_loop(self) -> None:
        assert self.relay is not None
        while True:
            try:
                await self.relay.relay_all_pending()
            except Exception:  # the next pass tries again
                log.warning("outbox relay pass failed", exc_info=True)
            await asyncio.sleep(self.relay_seconds)
