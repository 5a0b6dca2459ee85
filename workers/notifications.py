"""Email actors and the reminder scheduler's periodic job.

Idempotent: each email is claimed in `email_sends` (unique per kind and key) before it is sent,
so a retried, duplicated or concurrent message sends it at most once. An SMTP failure releases
the claim and propagates, so Dramatiq retries the job with backoff.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from domain.dependencies import Dependencies
from domain.job_names import (
    BOOKING_JOB,
    CANCELLED_BY_CLIENT_JOB,
    CANCELLED_BY_THERAPIST_JOB,
    PASSWORD_RESET_JOB,
    PORTAL_INVITE_JOB,
    REMINDER_JOB,
    REMINDERS_DUE_JOB,
    RESCHEDULED_JOB,
    RESTORED_JOB,
)
from domain.reminders import ReminderKind
from domain.services import notifications as service
from domain.services import recovery as recovery_service
from persistence.database import Database
from workers.jobs import BadJob, Job, uuid_arg


async def booking(deps: Dependencies[Database], session_id: str) -> int:
    """A public booking: the client's confirmation and the therapist's notice."""
    return await service.send_booking(deps.notifications, deps.clock,
                                      UUID(uuid_arg("session_id", session_id)))


async def cancelled_by_therapist(deps: Dependencies[Database], session_id: str) -> bool:
    """Sent only when the session is (still) cancelled with notifyClient ticked."""
    return await service.send_cancelled_by_therapist(
        deps.notifications, deps.clock, UUID(uuid_arg("session_id", session_id)))


async def cancelled_by_client(deps: Dependencies[Database], session_id: str, via_link: bool = False) -> bool:
    """The therapist's notice; with the manage link, also the client's confirmation."""
    return await service.send_cancelled_by_client(
        deps.notifications, deps.clock, UUID(uuid_arg("session_id", session_id)),
        via_link=via_link is True)


async def rescheduled(deps: Dependencies[Database], session_id: str) -> bool:
    """The client's calendar update, once per move (sessions the client booked)."""
    return await service.send_rescheduled(
        deps.notifications, deps.clock, UUID(uuid_arg("session_id", session_id)))


async def portal_invite(deps: Dependencies[Database], invite_id: str) -> bool:
    return await service.send_portal_invite(
        deps.notifications, deps.clock, UUID(uuid_arg("invite_id", invite_id)))


async def restored(deps: Dependencies[Database], session_id: str) -> bool:
    """The client hears an uncancelled session is back on (when they knew it was cancelled)."""
    return await service.send_restored(
        deps.notifications, deps.clock, UUID(uuid_arg("session_id", session_id)))


async def password_reset(deps: Dependencies[Database], reset_id: str) -> bool:
    """The reset link, once, while it still works (a request for an unknown email sends none)."""
    return await recovery_service.send_reset_email(
        deps.uow(), deps.notifications, deps.clock, UUID(uuid_arg("reset_id", reset_id)))


async def reminder(deps: Dependencies[Database], session_id: str, kind: str, start: str) -> bool:
    """One reminder, reserved by `enqueue_due`; re-checked before it is sent."""
    try:
        parsed_kind, parsed_start = ReminderKind(kind), datetime.fromisoformat(start)
    except ValueError:
        raise BadJob("kind or start is malformed") from None
    return await service.send_reminder(deps.notifications, deps.clock,
                                       UUID(uuid_arg("session_id", session_id)), parsed_kind, parsed_start)


async def enqueue_due(deps: Dependencies[Database]) -> int:
    """Every scheduler tick: reserve and enqueue the reminders due now (from the database)."""
    return await service.enqueue_due_reminders(deps.uow(), deps.notifications, deps.clock)


# The job kinds (spread into workers/registry.py's JOBS). Emails retry 6 times, 5 s to 30 min
# apart (an SMTP outage of up to about an hour is ridden out); a reminder no longer due by then
# is skipped when its retry runs.
EMAIL_RETRY = {"max_retries": 6, "min_backoff": timedelta(seconds=5), "max_backoff": timedelta(minutes=30)}
JOBS = (
    Job(BOOKING_JOB, booking, **EMAIL_RETRY),
    Job(CANCELLED_BY_THERAPIST_JOB, cancelled_by_therapist, **EMAIL_RETRY),
    Job(CANCELLED_BY_CLIENT_JOB, cancelled_by_client, **EMAIL_RETRY),
    Job(RESCHEDULED_JOB, rescheduled, **EMAIL_RETRY),
    Job(RESTORED_JOB, restored, **EMAIL_RETRY),
    Job(PORTAL_INVITE_JOB, portal_invite, **EMAIL_RETRY),
    Job(PASSWORD_RESET_JOB, password_reset, max_retries=3, min_backoff=timedelta(seconds=5),
        max_backoff=timedelta(minutes=5)),  # the link lives 1 hour: no point retrying longer
    Job(REMINDER_JOB, reminder, max_retries=3, min_backoff=timedelta(seconds=5),
        max_backoff=timedelta(minutes=2)),
    Job(REMINDERS_DUE_JOB, enqueue_due, periodic=True, time_limit=timedelta(minutes=5)),
)
