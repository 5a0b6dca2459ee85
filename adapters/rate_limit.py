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

    async def spend(self, key: str, amount: int, limit: int, window_seconds: int) -> int | None:
        """Adds `amount` to the key's window (query cost budgets); like `hit`, None while the
        total stays within `limit`, else seconds until the window ends. A refused amount is
        not kept: a client over its budget does not push its own refill further away."""
        async with self._lock:
            now = time.monotonic()
            spent, resets_at = self._windows.get(key, (0, now + window_seconds))
            if now >= resets_at:
                spent, resets_at = 0, now + window_seconds
            if spent + amount > limit:
                self._windows[key] = (spent, resets_at)
                return max(1, int(resets_at - now + 0.999))
            self._windows[key] = (spent + amount, resets_at)
            return None

    async def charge(self, key: str, amount: int, window_seconds: int) -> None:
        """Adds `amount` whatever the total (a penalty: a refused document spends budget)."""
        async with self._lock:
            now = time.monotonic()
            spent, resets_at = self._windows.get(key, (0, now + window_seconds))
            if now >= resets_at:
                spent, resets_at = 0, now + window_seconds
            self._windows[key] = (spent + amount, resets_at)


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

    async def spend(self, key: str, amount: int, limit: int, window_seconds: int) -> int | None:
        """`MemoryRateLimiter.spend`, shared by every process: one atomic script per request."""
        result = await self._redis.eval(_SPEND, 1, _PREFIX + key, amount, limit, window_seconds)
        return None if int(result) == 0 else max(1, int(result))


    async def charge(self, key: str, amount: int, window_seconds: int) -> None:
        """`MemoryRateLimiter.charge`, shared by every process."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(_PREFIX + key, amount)
            pipe.expire(_PREFIX + key, window_seconds, nx=True)
            await pipe.execute()


# KEYS[1] budget key; ARGV amount, limit, window. Returns 0 when spent, else the window's TTL.
_SPEND = """
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
if spent + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then ttl = tonumber(ARGV[3]) end
  return ttl
end
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3], 'NX')
return 0
"""
