"""What a job is and what its actor code receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from domain.ports.outside_world import Clock, VideoRooms
from domain.ports.unit_of_work import UnitOfWork
from domain.services.notifications import NotificationSetup
from domain.services.outlook import OutlookSetup
from domain.services.series import SeriesPolicy
from persistence.database import Database


class BadJob(ValueError):
    """A message the actor can never process (a malformed ID): failed at once, not retried."""


@dataclass(frozen=True)
class WorkerDeps:
    """The ports an actor works with, built by the composition root for the process (and the
    event loop) that runs the actors."""

    db: Database
    uow: Callable[[], UnitOfWork]
    clock: Clock
    rooms: VideoRooms
    series_policy: SeriesPolicy
    extend_batch: int = 500
    close: Callable[[], Awaitable[None]] | None = None
    outlook: OutlookSetup = OutlookSetup()  # Outlook sync's gateway, secret box, options
    notifications: NotificationSetup = NotificationSetup()  # mailer, email log, portal rows
    audit_retention_days: int = 6 * 365 + 2  # COUCHTIME_AUDIT_RETENTION_DAYS; 0 = kept for ever


ActorCode = Callable[..., Awaitable[object]]


@dataclass(frozen=True)
class Job:
    """One job kind: its name is both the outbox `job` and the Dramatiq `actor_name`, so it never
    changes once released (queued messages and outbox rows refer to it).

    `run(deps, **ids)` is the actor code: async, idempotent (a retried or duplicated message
    changes nothing twice), taking IDs only (strings), never personal data.
    `periodic` jobs take no arguments and are enqueued by the scheduler once per tick.
    """

    name: str
    run: ActorCode
    periodic: bool = False
    queue: str = "default"
    max_retries: int = 5
    min_backoff: timedelta = timedelta(seconds=1)
    max_backoff: timedelta = timedelta(minutes=5)
    time_limit: timedelta = timedelta(minutes=10)

    def actor_options(self) -> dict:
        ms = lambda d: int(d.total_seconds() * 1000)  # noqa: E731
        return {
            "max_retries": self.max_retries, "min_backoff": ms(self.min_backoff),
            "max_backoff": ms(self.max_backoff), "time_limit": ms(self.time_limit),
            "throws": (BadJob,),
        }


def uuid_arg(name: str, value: object) -> str:
    """An ID argument, checked (a malformed one is a `BadJob`)."""
    import uuid

    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise BadJob(f"{name} is not a UUID") from None
