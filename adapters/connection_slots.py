"""Caps on open websocket connections per token, counted where every API process sees them.

In Redis (several processes) the count lives under a key that also expires, so a crashed
process cannot hold slots forever; in memory for the single embedded process.
"""

from __future__ import annotations

from redis.asyncio import Redis

_PREFIX = "couchtime:ws:"
_TTL_SECONDS = 6 * 3600


class MemorySlots:
    def __init__(self) -> None:
        self._open: dict[str, int] = {}

    async def acquire(self, key: str, limit: int) -> bool:
        if self._open.get(key, 0) >= limit:
            return False
        self._open[key] = self._open.get(key, 0) + 1
        return True

    async def release(self, key: str) -> None:
        left = self._open.get(key, 0) - 1
        if left > 0:
            self._open[key] = left
        else:
            self._open.pop(key, None)


class RedisSlots:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def acquire(self, key: str, limit: int) -> bool:
        name = _PREFIX + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, _TTL_SECONDS)
            count, _ = await pipe.execute()
        if count > limit:
            await self._redis.decr(name)
            return False
        return True

    async def release(self, key: str) -> None:
        await self._redis.decr(_PREFIX + key)
