"""Fixed-window rate limiters: in memory for the single embedded process, Redis otherwise.

With Redis every API process shares the counters, so N processes do not mean N× the limit.
"""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

_PREFIX = "couchtime:rl:"


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = asyncio.Lock()

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        async with self._lock:
            now = time.monotonic()
            count, resets_at = self._windows.get(key, (0, now + window_seconds))
            if now >= resets_at:
                count, resets_at = 0, now + window_seconds
            count += 1
            self._windows[key] = (count, resets_at)
            if len(self._windows) > 100_000:  # forget expired windows now and then
                self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
            return None if count <= limit else max(1, int(resets_at - now + 0.999))


class RedisRateLimiter:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        name = _PREFIX + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds, nx=True)
            pipe.ttl(name)
            count, _, ttl = await pipe.execute()
        return None if count <= limit else max(1, int(ttl))
