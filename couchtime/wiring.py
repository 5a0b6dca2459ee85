"""Composition root: the one place that picks adapters for the domain's ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from adapters.clock import SystemClock
from adapters.connection_slots import MemorySlots, RedisSlots
from adapters.event_bus import EventHub, InProcessBus, RedisBus
from adapters.outlook_graph import GraphConfig, GraphOutlook, RetryPolicy
from adapters.passwords import Argon2Hasher
from adapters.rate_limit import MemoryRateLimiter, RedisRateLimiter
from adapters.secrets import FernetBox
from adapters.video import VideoRoomUrls
from couchtime.notifications_wiring import notification_setup
from couchtime.settings import Settings
from domain.accounts import PasswordPolicy
from domain.ports.outside_world import Clock, EventPublisher, VideoRooms
from domain.services.accounts import SignInLimits, SignUpLimits
from domain.services.booking import BookingLimits
from domain.services.outlook import OutlookSetup
from domain.services.series import SeriesPolicy
from persistence.database import Database
from persistence.unit_of_work import UnitOfWorkFactory
from resolvers.context import ApiConfig, Services
from workers.audit import linker
from workers.broker import ActorHost, JobBroker
from workers.embedded import EmbeddedJobs
from workers.jobs import WorkerDeps
from workers.outbox import OutboxRelay
from workers.scheduler import RedisTickLock, Scheduler

if TYPE_CHECKING:  # imported only when metrics / tracing are on
    from couchtime.metrics import Metrics
    from couchtime.tracing import Tracing


@dataclass
class Runtime:
    """Everything a process holds open; closed on shutdown."""

    settings: Settings
    db: Database
    bus: EventHub  # InProcessBus, or RedisBus when COUCHTIME_REDIS_URL is set
    redis: Redis | None
    services: Services
    jobs: JobBroker  # where this process sends jobs (Redis, or the in-process broker)
    embedded: EmbeddedJobs | None = None  # the in-process worker and scheduler (no Redis)
    metrics: Metrics | None = None  # when /metrics is served
    slots: MemorySlots | RedisSlots = field(default_factory=MemorySlots)  # websocket quotas

    async def start(self) -> None:
        await self.bus.start()
        if self.embedded is not None:
            await self.embedded.start()

    async def stop_jobs(self) -> None:
        if self.embedded is not None:
            await self.embedded.stop()

    async def close(self) -> None:
        await self.stop_jobs()
        self.jobs.close()
        await self.bus.stop()
        await self.slots.close()
        await close_outlook(self.services.outlook)
        if isinstance(self.services.hasher, Argon2Hasher):
            self.services.hasher.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.db.dispose()


def outlook_setup(settings: Settings) -> OutlookSetup:
    """Outlook sync's ports: the Graph gateway and the secret box, or why it is not offered.
    One per event loop (the gateway's httpx clients belong to the loop that first uses them)."""
    missing = settings.outlook_missing
    if missing is not None:
        return OutlookSetup(full_names=settings.outlook_full_names, missing=missing)
    retry = RetryPolicy(
        attempts=settings.outlook_retry_attempts, base_delay=settings.outlook_retry_base_ms / 1000,
        max_retry_after=float(settings.outlook_max_retry_after_seconds),
    )
    gateway = GraphOutlook(GraphConfig(
        client_id=settings.outlook_client_id, client_secret=settings.outlook_client_secret,
        authority=settings.outlook_authority, redirect_url=settings.outlook_redirect,
        graph_base_url=settings.graph_base_url, retry=retry,
    ))
    return OutlookSetup(gateway=gateway, box=FernetBox(settings.secret_keys),
                        full_names=settings.outlook_full_names)


async def close_outlook(outlook: OutlookSetup) -> None:
    if isinstance(outlook.gateway, GraphOutlook):
        await outlook.gateway.aclose()


def closing(first: Callable[[], Awaitable[None]], outlook: OutlookSetup) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        try:
            await first()
        finally:
            await close_outlook(outlook)

    return close


def series_policy(settings: Settings) -> SeriesPolicy:
    return SeriesPolicy(horizon_days=7 * settings.series_horizon_weeks)


def relay_grace(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.outbox_relay_seconds)


def worker_deps(settings: Settings, broker: JobBroker, *, publisher: EventPublisher,
                clock: Clock | None = None, rooms: VideoRooms | None = None,
                metrics: Metrics | None = None, tracing: Tracing | None = None) -> WorkerDeps:
    """The actors' dependencies, with their own database engine (used on the actor loop)."""
    db = Database(settings.database_url, pool_size=settings.database_pool_size,
                  max_overflow=settings.database_max_overflow)
    relay = OutboxRelay(db, broker, grace=relay_grace(settings), trace_context=trace_context(tracing))
    if tracing is not None:
        tracing.instrument_engine(db)
    outlook = outlook_setup(settings)  # its own httpx clients, for the actor loop
    return WorkerDeps(
        db=db, uow=UnitOfWorkFactory(db, publisher, relay), clock=clock or SystemClock(),
        rooms=rooms or VideoRoomUrls(settings.video_base_url), series_policy=series_policy(settings),
        extend_batch=settings.series_extend_batch, close=closing(db.dispose, outlook),
        outlook=outlook,
        notifications=counted(notification_setup(settings, db), metrics),
        audit_retention_days=settings.audit_retention_days,
    )


def trace_context(tracing: Tracing | None):
    return tracing.current_context if tracing is not None else None


def counted(setup, metrics: Metrics | None):
    return metrics.counted(setup) if metrics is not None else setup


def build_runtime(settings: Settings, *, clock: Clock | None = None,
                  metrics: Metrics | None = None, tracing: Tracing | None = None) -> Runtime:
    db = Database(settings.database_url, pool_size=settings.database_pool_size,
                  max_overflow=settings.database_max_overflow)
    if tracing is not None:
        tracing.instrument_engine(db)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    bus: EventHub = (
        RedisBus(redis, channel=settings.live_events_channel) if redis is not None else InProcessBus()
    )
    slots = (RedisSlots(redis, prefix=settings.ws_slot_prefix,
                        lifetime_seconds=settings.ws_slot_lifetime_seconds)
             if redis is not None else MemorySlots())
    limiter = RedisRateLimiter(redis) if redis is not None else MemoryRateLimiter()
    clock = clock or SystemClock()
    rooms = VideoRoomUrls(settings.video_base_url)
    embedded: EmbeddedJobs | None = None
    if settings.external_workers:
        jobs = JobBroker.redis(settings.redis_url, settings.jobs_namespace)  # type: ignore[arg-type]
    else:
        def make_scheduler(broker: JobBroker, deps: WorkerDeps) -> Scheduler:
            relay = OutboxRelay(deps.db, broker, grace=relay_grace(settings))
            return Scheduler(broker, relay, tick_seconds=settings.scheduler_tick_seconds,
                             relay_seconds=settings.outbox_relay_seconds,
                             link_seconds=settings.audit_link_seconds, linker=linker(deps.db))

        embedded = EmbeddedJobs(
            lambda publisher: worker_deps(settings, embedded.broker, publisher=publisher,  # type: ignore[union-attr]
                                          clock=clock, rooms=rooms, metrics=metrics, tracing=tracing),
            bus, make_scheduler, threads=settings.worker_threads,
        )
        jobs = embedded.broker
        if metrics is not None:
            jobs.broker.add_middleware(metrics.job_middleware())
        if tracing is not None:
            jobs.broker.add_middleware(tracing.job_middleware())
    if metrics is not None:
        metrics.watch_bus(bus)
    consuming = (lambda: embedded.host.running) if embedded is not None else None
    services = Services(
        db=db,
        uow=UnitOfWorkFactory(db, bus, OutboxRelay(
            db, jobs, grace=relay_grace(settings), consuming=consuming, trace_context=trace_context(tracing),
        )),
        hasher=Argon2Hasher(
            time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism, threads=settings.password_hash_threads,
        ),
        limiter=limiter,
        clock=clock,
        rooms=rooms,
        config=ApiConfig(
            public_app_url=settings.public_app_url,
            token_ttl=timedelta(hours=settings.token_ttl_hours),
            signin_limits=SignInLimits(
                per_email_and_address=settings.signin_limit_per_email_and_address,
                per_address=settings.signin_limit_per_address,
                per_email=settings.signin_limit_per_email,
                window_seconds=settings.signin_window_seconds,
            ),
            signup_limits=SignUpLimits(
                per_address=settings.signup_limit_per_address,
                window_seconds=settings.signup_window_seconds,
            ),
            password_policy=PasswordPolicy(min_strength=settings.password_min_strength),
            booking_limits=BookingLimits(
                per_address=settings.booking_limit_per_address,
                window_seconds=settings.booking_window_seconds,
            ),
            series_policy=series_policy(settings),
        ),
        live=bus,
        outlook=outlook_setup(settings),
        notifications=counted(notification_setup(settings, db), metrics),
    )
    return Runtime(settings=settings, db=db, bus=bus, redis=redis, services=services, jobs=jobs,
                   embedded=embedded, metrics=metrics, slots=slots)


# --- `couchtime worker` and `couchtime scheduler` (PostgreSQL and Redis) -------------------


def boot_worker() -> None:
    """Run by Dramatiq in each `couchtime worker` process (`dramatiq couchtime.wiring:boot_worker`):
    sets the global broker, whose actors run on the actor host with this process's own engine.
    Domain events raised by actors are published on Redis, where the API processes' live
    subscriptions hear them."""
    import dramatiq

    from couchtime.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    holder: list[JobBroker] = []
    metrics = None
    if settings.worker_metrics_port and settings.metrics_served:
        from couchtime.metrics import Metrics, serve_worker_metrics

        metrics = Metrics()
        serve_worker_metrics(metrics, settings)
    tracing = None
    if settings.otlp_endpoint:
        from couchtime.tracing import Tracing

        tracing = Tracing.from_settings(settings)

    def make_deps() -> WorkerDeps:
        redis = Redis.from_url(settings.redis_url)  # type: ignore[arg-type]  # used on the host loop
        bus = RedisBus(redis, channel=settings.live_events_channel)
        deps = worker_deps(settings, holder[0], publisher=bus, metrics=metrics, tracing=tracing)

        async def close() -> None:
            try:
                if deps.close is not None:
                    await deps.close()  # the engine and Outlook's clients
            finally:
                await redis.aclose()

        return replace(deps, close=close)

    host = ActorHost(make_deps)
    jobs = JobBroker.redis(settings.redis_url, settings.jobs_namespace, host)  # type: ignore[arg-type]
    holder.append(jobs)
    if metrics is not None:
        jobs.broker.add_middleware(metrics.job_middleware())
    if tracing is not None:
        jobs.broker.add_middleware(tracing.job_middleware())
    dramatiq.set_broker(jobs.broker)


async def run_scheduler(settings: Settings) -> None:
    """`couchtime scheduler`: periodic jobs (once per tick across schedulers) and the outbox
    relay, until SIGTERM or SIGINT."""
    import asyncio
    import signal

    db = Database(settings.database_url, pool_size=settings.database_pool_size,
                  max_overflow=settings.database_max_overflow)
    redis = Redis.from_url(settings.redis_url)  # type: ignore[arg-type]
    jobs = JobBroker.redis(settings.redis_url, settings.jobs_namespace)  # type: ignore[arg-type]
    scheduler = Scheduler(
        jobs, OutboxRelay(db, jobs, grace=relay_grace(settings)),
        tick_seconds=settings.scheduler_tick_seconds, relay_seconds=settings.outbox_relay_seconds,
        lock=RedisTickLock(redis, settings.jobs_namespace, settings.scheduler_tick_seconds),
        link_seconds=settings.audit_link_seconds, linker=linker(db),
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, scheduler.stop)
    try:
        await scheduler.run()
    finally:
        jobs.close()
        await redis.aclose()
        await db.dispose()
