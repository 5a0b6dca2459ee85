"""A broker with every job declared as an actor on it, and the host that runs actor code.

Actors are declared on an explicit broker (`JobBroker`), never by module-level
`@dramatiq.actor` decorators: so no import order can bind them to Dramatiq's default broker
(the `set_broker`-before-import pitfall), and one process may hold several brokers (tests,
an app restarted in-process).

Async actor code runs on the `ActorHost`'s own event loop thread (Dramatiq's
`EventLoopThread`, which also cancels the coroutine when `time_limit` interrupts the worker
thread). We do not use `dramatiq.middleware.AsyncIO`: it keeps one process-global loop, which a
second Worker in the same process (an in-process app started twice, tests) would replace or
stop under the first one's feet.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import uuid
from collections.abc import Callable, Coroutine, Mapping

import dramatiq
from dramatiq.asyncio import EventLoopThread
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from domain import audit
from domain.dependencies import Dependencies
from persistence import audit as audit_store
from persistence.database import Database
from workers.jobs import Job
from workers.registry import JOBS

log = logging.getLogger(__name__)


class UnknownJob(LookupError):
    """An outbox row names a job no actor handles (yet): it stays in the outbox."""


class ActorHost(dramatiq.Middleware):
    """Runs the actors' async code on a private event loop with dependencies built for it;
    started with the Dramatiq worker (or earlier, by `start()`) and stopped after it."""

    def __init__(self, make_deps: Callable[[], Dependencies[Database]]) -> None:
        self.make_deps = make_deps
        self._thread: EventLoopThread | None = None
        self.deps: Dependencies[Database] | None = None

    def before_worker_boot(self, broker, worker) -> None:
        self.start()

    def after_worker_shutdown(self, broker, worker) -> None:
        self.stop()

    def start(self) -> None:
        if self._thread is not None:
            return
        thread = EventLoopThread(log)
        thread.daemon = True
        thread.start(timeout=5)
        self._thread = thread
        self.deps = self.make_deps()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self.deps is not None and self.deps.close is not None:
            try:
                thread.run_coroutine(self.deps.close())
            except Exception:  # closing is best effort
                log.warning("closing the actors' dependencies failed", exc_info=True)
        thread.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def run(self, job: Job, kwargs: dict) -> object:
        """Called in a Dramatiq worker thread: run the job's code on the host loop and wait."""
        if self._thread is None or self.deps is None:
            raise RuntimeError("the actor host is not running")
        return self._thread.run_coroutine(_as_job(job, job.run(self.deps, **kwargs), self.deps, kwargs))

    def submit(self, coro: Coroutine) -> concurrent.futures.Future:
        """Start a coroutine on the host loop (the embedded scheduler)."""
        if self._thread is None:
            raise RuntimeError("the actor host is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._thread.loop)


async def _as_job(job: Job, coro: Coroutine, deps: Dependencies[Database], kwargs: dict) -> object:
    """The audit log names the job as the actor of what it changes; a job about one session
    (an email, a reminder, an Outlook sync: each discloses it) is also a READ of it."""
    audit.origin.set(audit.Origin(actor=lambda: audit.Actor(audit.JOB, name=job.name), operation=job.name))
    result = await coro
    session_id = kwargs.get("session_id")
    if session_id is not None:
        try:
            await audit_store.job_read(deps.db, job.name, uuid.UUID(str(session_id)))
        except Exception:  # done already: a retry would send it again
            log.warning("audit entry of job %s not written", job.name, exc_info=True)
    return result


def _actor_fn(job: Job, host: ActorHost | None) -> Callable[..., None]:
    def actor_fn(**kwargs) -> None:
        if host is None:
            raise RuntimeError(f"{job.name}: this process only sends jobs")
        host.run(job, kwargs)  # no result backend: results are not kept

    actor_fn.__name__ = actor_fn.__qualname__ = job.name.replace(".", "_")
    actor_fn.__module__ = job.run.__module__
    return actor_fn


class JobBroker:
    """A Dramatiq broker with every job of the registry declared as an actor, and sending."""

    def __init__(self, broker: dramatiq.Broker, host: ActorHost | None = None,
                 jobs: Mapping[str, Job] = JOBS) -> None:
        self.broker = broker
        self.host = host
        if host is not None:
            broker.add_middleware(host)
        self.jobs = jobs
        self.actors: dict[str, dramatiq.Actor] = {
            job.name: dramatiq.actor(
                _actor_fn(job, host), broker=broker, actor_name=job.name, queue_name=job.queue,
                **job.actor_options(),
            )
            for job in jobs.values()
        }

    @classmethod
    def redis(cls, url: str, namespace: str, host: ActorHost | None = None) -> JobBroker:
        return cls(RedisBroker(url=url, namespace=namespace), host)

    @classmethod
    def in_process(cls, host: ActorHost) -> JobBroker:
        return cls(StubBroker(), host)

    def send(self, job: str, payload: Mapping[str, object], *, job_id: uuid.UUID | str | None = None,
             trace: Mapping[str, str] | None = None) -> None:
        """Enqueue one job (blocking: call it off the event loop for a network broker).
        An outbox job's Dramatiq message id is its outbox id, so logs line up. `trace` (W3C
        trace-context headers) goes in the message options, never in the actor's arguments."""
        actor = self.actors.get(job)
        if actor is None:
            raise UnknownJob(job)
        options = {"trace": dict(trace)} if trace else {}
        message = actor.message_with_options(kwargs=dict(payload), **options)
        if job_id is not None:
            message = message.copy(message_id=str(job_id))
        self.broker.enqueue(message)

    def close(self) -> None:
        self.broker.close()
