"""The job kinds: name → actor code and options. Adding a job kind is one line here (and its
idempotent actor code beside the others); the outbox, the broker and the scheduler pick it up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from domain.job_names import (
    BUSY_DUE_JOB,
    BUSY_JOB,
    EXTEND_DUE_JOB,
    EXTEND_JOB,
    PRUNE_JOB,
    RESYNC_JOB,
    SYNC_JOB,
)
from workers import audit, outlook, outlook_busy, series
from workers.jobs import Job
from workers.notifications import JOBS as notifications_jobs
from workers.waitlist import JOBS as waitlist_jobs
from workers.webhooks import JOBS as webhook_jobs


def _by_name(*jobs: Job) -> Mapping[str, Job]:
    names = [j.name for j in jobs]
    assert len(names) == len(set(names)), "job names must be unique"
    return {j.name: j for j in jobs}


JOBS: Mapping[str, Job] = _by_name(
    Job(EXTEND_JOB, series.extend_series, time_limit=timedelta(minutes=15)),  # a series started
    Job(EXTEND_DUE_JOB, series.extend_all_due, periodic=True, time_limit=timedelta(minutes=15)),
    Job(SYNC_JOB, outlook.sync_session, max_retries=8, min_backoff=timedelta(seconds=2),
        max_backoff=timedelta(minutes=10)),  # a session changed
    Job(RESYNC_JOB, outlook.resync, max_retries=8, min_backoff=timedelta(seconds=5),
        max_backoff=timedelta(minutes=10), time_limit=timedelta(minutes=30)),  # connected; renames
    Job(BUSY_JOB, outlook_busy.sync_busy, max_retries=3, min_backoff=timedelta(seconds=5),
        max_backoff=timedelta(minutes=2), time_limit=timedelta(minutes=5)),  # connected; when due
    Job(BUSY_DUE_JOB, outlook_busy.sync_busy_due, periodic=True),  # Outlook busy times, every 10 min
    *notifications_jobs,  # emails and reminders (workers/notifications.py)
    *webhook_jobs,  # fan-out, attempts, due retries (workers/webhooks.py)
    *waitlist_jobs,  # offers, the sweep, the waitlist's emails (workers/waitlist.py)
    Job(PRUNE_JOB, audit.prune, periodic=True, time_limit=timedelta(minutes=30)),
)


def periodic_jobs() -> list[Job]:
    return [j for j in JOBS.values() if j.periodic]
