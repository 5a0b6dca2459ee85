"""Caps on open websocket connections (per token, per address), counted where every API
process sees them, and correct after any failure.

In Redis each quota key is a sorted set: one entry per open socket (member = a slot id unique
to the process and socket, score = the instant the entry expires, Redis server time in ms).
There is no separate counter to drift: the count is the number of unexpired entries, so it is
always rebuilt from them.

- Acquire is one Lua script, atomic across processes: drop expired entries, count, and add an
  entry (and push the key's expiry) only when under the quota. A refused attempt adds nothing
  and extends nothing, so a client that keeps retrying cannot keep a key alive.
- The process that holds a socket renews its entries every lifetime / 3 (one script call per
  500 entries). A process that dies (SIGKILL, OOM, lost machine) stops renewing, and its
  entries expire within `lifetime` (`COUCHTIME_WS_SLOT_LIFETIME_SECONDS`, default 60 s).
- Releases never run one command per socket: a closing socket queues its slot and one
  background task sends the queue in pipelines (500 `ZREM`s each), retrying with backoff on
  Redis errors. Mass disconnects (a client with 1,000 sockets exits) therefore use one pooled
  connection instead of hitting the pool's "Too many connections". A release that keeps
  failing needs no retry beyond the lifetime: the entry expires by itself.
- Acquires wait for one of `max_concurrent` pool connections instead of failing on a burst.

In memory (the single embedded process) a plain count per key.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import uuid

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "couchtime:ws:"
DEFAULT_LIFETIME_SECONDS = 60
BATCH = 500

# KEYS[1] quota key; ARGV: limit, lifetime ms, slot id. 1 = acquired, 0 = refused.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS: quota keys; ARGV[1] lifetime ms, ARGV[i + 1] the slot id held under KEYS[i].
# ZADD without XX: an entry lost to a Redis restart comes back while its socket is open.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[i + 1])
  redis.call('PEXPIRE', key, ttl)
end
return #KEYS
"""

# KEYS[1] quota key: the number of unexpired entries (expired ones are dropped).
_COUNT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
"""


class MemorySlots:
    """One process: a count per key."""

    def __init__(self) -> None:
        self._open: dict[str, int] = {}
        self._ids = itertools.count(1)

    async def acquire(self, key: str, limit: int) -> str | None:
        """A slot id, or None when the key holds its quota already."""
        if self._open.get(key, 0) >= limit:
            return None
        self._open[key] = self._open.get(key, 0) + 1
        return str(next(self._ids))

    def release(self, key: str, slot: str) -> None:
        left = self._open.get(key, 0) - 1
        if left > 0:
            self._open[key] = left
        else:
            self._open.pop(key, None)

    async def count(self, key: str) -> int:
        return self._open.get(key, 0)

    async def close(self) -> None:
        self._open.clear()


class RedisSlots:
    """Slots shared by every API process through Redis (see the module docstring)."""

    def __init__(self, redis: Redis, *, prefix: str = DEFAULT_PREFIX,
                 lifetime_seconds: float = DEFAULT_LIFETIME_SECONDS, max_concurrent: int = 16) -> None:
        self._redis = redis
        self._prefix = prefix
        self._lifetime_ms = max(1, int(lifetime_seconds * 1000))
        self._renew_every = lifetime_seconds / 3
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew_script = redis.register_script(_RENEW)
        self._count = redis.register_script(_COUNT)
        self._process = uuid.uuid4().hex[:12]
        self._ids = itertools.count(1)
        # slot id -> quota key of every socket this process holds (strings only: nothing for
        # the garbage collector to walk), and the slots waiting to be released
        self._held: dict[str, str] = {}
        self._releasing: list[tuple[str, str]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._gate = asyncio.Semaphore(max_concurrent)

    @property
    def held(self) -> int:
        """Sockets this process holds a slot for."""
        return len(self._held)

    async def acquire(self, key: str, limit: int) -> str | None:
        """A slot id, or None when the key holds its quota already (nothing is extended)."""
        self._ensure_running()
        slot = f"{self._process}:{next(self._ids)}"
        async with self._gate:
            acquired = await self._acquire(keys=[self._prefix + key],
                                           args=[limit, self._lifetime_ms, slot])
        if not acquired:
            return None
        self._held[slot] = key
        return slot

    def release(self, key: str, slot: str) -> None:
        """Gives the slot back; returns at once (the background task sends it)."""
        if self._held.pop(slot, None) is None:
            return
        self._releasing.append((key, slot))
        self._ensure_running()
        self._wake.set()  # type: ignore[union-attr]

    async def count(self, key: str) -> int:
        """Open sockets under the key across all processes: its unexpired entries."""
        async with self._gate:
            return int(await self._count(keys=[self._prefix + key]))

    async def close(self) -> None:
        """Stops renewing and gives back every slot still held (a graceful shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._releasing += [(key, slot) for slot, key in self._held.items()]
        self._held.clear()
        with contextlib.suppress(RedisError, OSError, TimeoutError):
            await asyncio.wait_for(self._flush(), timeout=5)

    # --- the background task: releases in batches, renewals every lifetime / 3 ------------

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="ws-slots")

    async def _run(self) -> None:
        renew_at = time.monotonic() + self._renew_every
        delay = 0.05
        while True:
            wait = renew_at - time.monotonic()
            if not self._releasing and wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)  # type: ignore[union-attr]
            self._wake.clear()  # type: ignore[union-attr]
            try:
                if self._releasing:
                    await self._flush()
                if time.monotonic() >= renew_at:
                    await self._renew()
                    renew_at = time.monotonic() + self._renew_every
                delay = 0.05
            except (RedisError, OSError) as exc:
                log.warning("websocket slots: Redis command failed (%s); retrying in %.2f s",
                            type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0, self._renew_every)

    async def _flush(self) -> None:
        """Sends the queued releases, 500 per pipeline; what fails stays queued."""
        while self._releasing:
            batch = self._releasing[:BATCH]
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, slot in batch:
                    pipe.zrem(self._prefix + key, slot)
                await pipe.execute()
            del self._releasing[:len(batch)]

    async def _renew(self) -> None:
        held = list(self._held.items())
        for start in range(0, len(held), BATCH):
            chunk = held[start:start + BATCH]
            await self._renew_script(keys=[self._prefix + key for _, key in chunk],
                                     args=[self._lifetime_ms, *(slot for slot, _ in chunk)])
