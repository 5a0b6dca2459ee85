"""Waitlist actors: look for offers for one therapist, sweep expired holds and lapsed entries,
and send the waitlist's emails.

Idempotent: an offer run places holds only on free starts for entries that wait (a duplicate
run finds them held and the entries OFFERED); each email is claimed once in the email log.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.dependencies import Dependencies
from domain.job_names import (
    WAITLIST_DUE_JOB,
    WAITLIST_JOINED_EMAIL_JOB,
    WAITLIST_OFFER_EMAIL_JOB,
    WAITLIST_OFFER_JOB,
)
from domain.services import waitlist as service
from domain.services import waitlist_emails as mail
from workers.jobs import Job, uuid_arg
from workers.notifications import EMAIL_RETRY


async def offer(deps: Dependencies, therapist_id: str) -> int:
    return len(await service.refresh(deps.uow(), deps.clock, UUID(uuid_arg("therapist_id", therapist_id))))


async def sweep_due(deps: Dependencies) -> int:
    return await service.sweep(deps.uow, deps.clock)


async def joined_email(deps: Dependencies, entry_id: str) -> bool:
    return await mail.send_joined(deps.uow(), deps.notifications, deps.clock,
                                  UUID(uuid_arg("entry_id", entry_id)))


async def offer_email(deps: Dependencies, hold_id: str) -> bool:
    return await mail.send_offer(deps.uow(), deps.notifications, deps.clock,
                                 UUID(uuid_arg("hold_id", hold_id)))


JOBS = (
    Job(WAITLIST_OFFER_JOB, offer, max_retries=6, min_backoff=timedelta(seconds=2),
        max_backoff=timedelta(minutes=2)),
    Job(WAITLIST_DUE_JOB, sweep_due, periodic=True, time_limit=timedelta(minutes=5)),
    Job(WAITLIST_JOINED_EMAIL_JOB, joined_email, **EMAIL_RETRY),
    # a hold lives 15 minutes: retrying longer is pointless (the actor skips an expired hold)
    Job(WAITLIST_OFFER_EMAIL_JOB, offer_email, max_retries=4, min_backoff=timedelta(seconds=5),
        max_backoff=timedelta(minutes=2)),
)
