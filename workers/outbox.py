"""The outbox relay: jobs written in a transaction reach the broker, none lost.

A row is claimed, sent and marked in one transaction: `UPDATE outbox SET sent_at = now …
RETURNING` (rows locked), then the broker gets the messages, then COMMIT. A crash before the
commit rolls the mark back and the relay loop sends the row again; a crash after it happens
only once the broker has the message. So a job is sent at least once, and the actors are
idempotent for the rare twice.

- `committed(ids)` (the `JobRelay` port, called by the unit of work right after commit) sends
  the rows just written.
- `relay_pending()` (the relay loop in the scheduler, or in `couchtime serve` when embedded)
  sends rows still unsent a few seconds after they were written: the process that wrote them
  died, or the broker was down. On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so several
  relays split the rows instead of queueing on them; SQLite has one writer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select, update

from persistence.database import Database
from persistence.tables.outbox import OutboxRow
from workers.broker import JobBroker

log = logging.getLogger(__name__)
OUTBOX = OutboxRow.__table__
POISONED = 1_000_000  # `attempts` of a row whose payload is not JSON: never picked again
UNKNOWN_WARNING_EVERY = timedelta(minutes=10)


class OutboxRelay:
    """Rows whose job has no actor in this release are left alone (not claimed, not counted):
    a release that has the actor sends them; meanwhile the loop warns every 10 minutes."""

    def __init__(self, db: Database, broker: JobBroker, *, grace: timedelta = timedelta(seconds=5),
                 batch: int = 200, consuming: Callable[[], bool] | None = None,
                 trace_context: Callable[[], Mapping[str, str]] | None = None) -> None:
        self.db = db
        self.broker = broker
        self.grace = grace
        self.batch = batch
        # in-process broker: only while its worker runs (an app used without its lifespan
        # leaves the rows to the relay loop of the next start instead of a queue in memory)
        self.consuming = consuming or (lambda: True)
        self._known = sorted(broker.jobs)
        # tracing on: the current trace (`traceparent`) rides in each message's options
        self.trace_context = trace_context
        self._warned_at: datetime | None = None

    async def committed(self, job_ids: Sequence[UUID]) -> None:
        """Send the jobs just committed (best effort: the loop sends whatever this misses)."""
        if job_ids and self.consuming():
            await self._claim_and_send(OUTBOX.c.id.in_(list(job_ids)))

    async def relay_pending(self) -> int:
        """One pass over rows unsent for longer than `grace`; returns how many were claimed."""
        cutoff = datetime.now(UTC) - self.grace
        pending = (
            select(OUTBOX.c.id)
            .where(OUTBOX.c.sent_at.is_(None), OUTBOX.c.created_at < cutoff,
                   OUTBOX.c.job.in_(self._known), OUTBOX.c.attempts < POISONED)
            .order_by(OUTBOX.c.created_at)
            .limit(self.batch)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer and ignores it
        )
        claimed = await self._claim_and_send(OUTBOX.c.id.in_(pending.scalar_subquery()))
        if claimed:
            log.info("outbox relay sent %d pending jobs", claimed, extra={"jobs_sent": claimed})
        return claimed

    async def relay_all_pending(self) -> int:
        total = 0
        while True:
            claimed = await self.relay_pending()
            total += claimed
            if claimed < self.batch:
                break
        await self._warn_about_unknown_jobs()
        return total

    async def _claim_and_send(self, which) -> int:
        claim = (
            update(OUTBOX)
            .where(which, OUTBOX.c.sent_at.is_(None), OUTBOX.c.job.in_(self._known))
            .values(sent_at=datetime.now(UTC), attempts=OUTBOX.c.attempts + 1)
            .returning(OUTBOX.c.id, OUTBOX.c.job, OUTBOX.c.payload)
        )
        async with self.db.write_session() as session, session.begin():
            rows = (await session.execute(claim)).all()
            if not rows:
                return 0
            poisoned = await asyncio.to_thread(self._send, rows)
            if poisoned:
                await session.execute(
                    update(OUTBOX).where(OUTBOX.c.id.in_(poisoned)).values(sent_at=None, attempts=POISONED)
                )
        return len(rows)

    def _send(self, rows) -> list[UUID]:
        """Blocking broker calls, in a thread. A broker error propagates: nothing is marked."""
        poisoned: list[UUID] = []
        trace = self.trace_context() if self.trace_context is not None else None
        for job_id, job, payload in rows:
            try:
                kwargs = json.loads(payload)
                if not isinstance(kwargs, dict):
                    raise ValueError("payload is not an object")
            except ValueError:
                log.error("outbox job %s has a malformed payload; left unsent", job,
                          extra={"job": job, "job_id": str(job_id)})
                poisoned.append(job_id)
                continue
            self.broker.send(job, kwargs, job_id=job_id, trace=trace)
        return poisoned

    async def _warn_about_unknown_jobs(self) -> None:
        now = datetime.now(UTC)
        if self._warned_at is not None and now - self._warned_at < UNKNOWN_WARNING_EVERY:
            return
        self._warned_at = now
        async with self.db.read_session() as session:
            counts = (await session.execute(
                select(OUTBOX.c.job, func.count())
                .where(OUTBOX.c.sent_at.is_(None), OUTBOX.c.job.not_in(self._known))
                .group_by(OUTBOX.c.job)
            )).all()
        if counts:
            waiting = ", ".join(f"{job} ({n})" for job, n in counts)
            log.warning("outbox rows waiting for a release that has their actor: %s", waiting)
