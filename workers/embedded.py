"""The embedded default: the same actors and scheduler inside `couchtime serve`.

No Redis: an in-process broker (Dramatiq's `StubBroker`) and a Dramatiq `Worker` thread pool
run the registry's actors, with the same retries, backoff and time limits as `couchtime
worker`. The actors' code and the scheduler (periodic jobs, outbox relay) share the actor
host's event loop thread and its own database engine, so jobs never block the API's event
loop; domain events raised by actors are handed to the API loop's event bus.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import dramatiq

from domain.events import DomainEvent
from domain.ports.outside_world import EventPublisher
from workers.broker import ActorHost, JobBroker
from workers.jobs import WorkerDeps
from workers.scheduler import Scheduler

log = logging.getLogger(__name__)


class LoopPublisher:
    """Publishes on another event loop's bus (actors run on the host loop; live subscribers
    listen on the API loop)."""

    def __init__(self, publisher: EventPublisher, loop: asyncio.AbstractEventLoop) -> None:
        self.publisher = publisher
        self.loop = loop

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        try:
            future = asyncio.run_coroutine_threadsafe(self.publisher.publish(events), self.loop)
        except RuntimeError:  # the API loop is closed: nobody is listening any more
            return
        await asyncio.wrap_future(future)


class EmbeddedJobs:
    """Started and stopped by the app's lifespan.

    `make_deps(publisher)` builds the actors' dependencies on the host loop, given the
    publisher that reaches the API loop; `make_scheduler(deps)` the scheduler (its relay uses
    `deps.db`).
    """

    def __init__(
        self, make_deps: Callable[[EventPublisher], WorkerDeps], app_publisher: EventPublisher,
        make_scheduler: Callable[[JobBroker, WorkerDeps], Scheduler], *, threads: int,
    ) -> None:
        self._make_deps = make_deps
        self._app_publisher = app_publisher
        self._make_scheduler = make_scheduler
        self._threads = threads
        self.host = ActorHost(lambda: self._make_deps(self._app_publisher))
        self.broker = JobBroker.in_process(self.host)
        self._booted = False
        self._worker: dramatiq.Worker | None = None
        self._scheduler: Scheduler | None = None
        self._scheduler_done = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.host.make_deps = lambda: self._make_deps(LoopPublisher(self._app_publisher, loop))
        self.host.start()
        if not self._booted:
            self.broker.broker.emit_after("process_boot")  # starts the time-limit watchdog
            self._booted = True
        self._worker = dramatiq.Worker(self.broker.broker, worker_threads=self._threads,
                                       worker_timeout=100)
        self._worker.start()
        assert self.host.deps is not None
        self._scheduler = self._make_scheduler(self.broker, self.host.deps)
        self._scheduler_done = self.host.submit(self._scheduler.run())

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.stop()
            try:
                await asyncio.wait_for(asyncio.wrap_future(self._scheduler_done), timeout=10)
            except Exception:  # shutting down regardless
                log.warning("the embedded scheduler did not stop cleanly", exc_info=True)
            self._scheduler = None
        if self._worker is not None:
            # off the API loop: an actor finishing now may still publish onto it
            await asyncio.to_thread(self._worker.stop)
            self._worker = None
        self.host.stop()  # idempotent (the worker's shutdown already stopped it)
