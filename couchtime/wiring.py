"""Composition root: the one place that picks adapters for the domain's ports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from redis.asyncio import Redis

from adapters.clock import SystemClock
from adapters.event_bus import InProcessBus
from adapters.passwords import Argon2Hasher
from adapters.rate_limit import MemoryRateLimiter, RedisRateLimiter
from adapters.video import VideoRoomUrls
from couchtime.settings import Settings
from domain.ports import Clock
from domain.services.accounts import SignInLimits
from domain.services.booking import BookingLimits
from persistence.database import Database
from persistence.unit_of_work import UnitOfWorkFactory
from resolvers.context import ApiConfig, Services


@dataclass
class Runtime:
    """Everything a process holds open; closed on shutdown."""

    settings: Settings
    db: Database
    bus: InProcessBus
    redis: Redis | None
    services: Services

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.db.dispose()


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    db = Database(settings.database_url)
    bus = InProcessBus()
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    limiter = RedisRateLimiter(redis) if redis is not None else MemoryRateLimiter()
    services = Services(
        db=db,
        uow=UnitOfWorkFactory(db, bus),
        hasher=Argon2Hasher(
            time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        ),
        limiter=limiter,
        clock=clock or SystemClock(),
        rooms=VideoRoomUrls(settings.video_base_url),
        config=ApiConfig(
            public_app_url=settings.public_app_url,
            token_ttl=timedelta(hours=settings.token_ttl_hours),
            signin_limits=SignInLimits(
                per_account=settings.signin_limit_per_account,
                per_address=settings.signin_limit_per_address,
                window_seconds=settings.signin_window_seconds,
            ),
            booking_limits=BookingLimits(
                per_address=settings.booking_limit_per_address,
                window_seconds=settings.booking_window_seconds,
            ),
        ),
    )
    return Runtime(settings=settings, db=db, bus=bus, redis=redis, services=services)
