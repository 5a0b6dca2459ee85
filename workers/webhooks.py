"""Webhook actors: fan an event out to endpoints, attempt one delivery, enqueue due retries.

Idempotent: a duplicated fan-out adds no second delivery (unique per endpoint and message), a
duplicated deliver job finds the attempt claimed or done. An HTTP failure is not an exception:
the attempt is recorded and its retry is a due time in the database (`retry_due` polls it), so
a day of backoff survives restarts; Dramatiq retries only what failed on our side.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain import webhooks as rules
from domain.dependencies import Dependencies
from domain.job_names import WEBHOOK_DELIVER_JOB, WEBHOOK_FAN_OUT_JOB, WEBHOOK_RETRY_DUE_JOB
from domain.services import webhooks as service
from workers.jobs import BadJob, Job, uuid_arg


async def fan_out(deps: Dependencies, therapist_id: str, message_id: str, event: str, data: dict) -> int:
    try:
        kind = rules.WebhookEvent(event)
    except ValueError:
        raise BadJob("unknown webhook event") from None
    if not isinstance(data, dict):
        raise BadJob("data is not an object")
    return await service.fan_out(deps.uow(), deps.clock, UUID(uuid_arg("therapist_id", therapist_id)),
                                 UUID(uuid_arg("message_id", message_id)), kind, data)


async def deliver(deps: Dependencies, delivery_id: str) -> str:
    return await service.deliver(deps.uow, deps.clock, deps.webhooks,
                                 UUID(uuid_arg("delivery_id", delivery_id)))


async def retry_due(deps: Dependencies) -> int:
    return await service.enqueue_due(deps.uow(), deps.clock)


JOBS = (
    Job(WEBHOOK_FAN_OUT_JOB, fan_out, max_retries=6, min_backoff=timedelta(seconds=2),
        max_backoff=timedelta(minutes=10)),
    # an attempt takes at most the HTTP timeout; our own failures (database) retry briefly
    Job(WEBHOOK_DELIVER_JOB, deliver, max_retries=3, min_backoff=timedelta(seconds=2),
        max_backoff=timedelta(minutes=1), time_limit=timedelta(minutes=1)),
    Job(WEBHOOK_RETRY_DUE_JOB, retry_due, periodic=True, time_limit=timedelta(minutes=5)),
)
