"""Outlook sync actors. Both no-op without a connected integration (or without Outlook set up
on this server), so the outbox rule can enqueue them for every session change.

Idempotent: a duplicated or retried message finds the stored Graph event ID (or our session-ID
property on an event a lost response created) and the content hash, and changes nothing twice.
OutlookUnavailable (throttled or down after the gateway's own retries) propagates, so Dramatiq
retries the job with backoff; the session change itself committed long before.
"""

from __future__ import annotations

from uuid import UUID

from domain.services import outlook
from persistence.repositories.outlook import integration_of
from workers.jobs import WorkerDeps, uuid_arg


async def sync_session(deps: WorkerDeps, session_id: str, therapist_id: str | None = None) -> str:
    """After a session was created, changed, cancelled, uncancelled or deleted (outbox job)."""
    session = UUID(uuid_arg("session_id", session_id))
    owner = UUID(uuid_arg("therapist_id", therapist_id)) if therapist_id else None
    if not deps.outlook.ready or (owner is not None and not await _connected(deps, owner)):
        return outlook.SyncResult.SKIPPED.value  # most therapists: one read, no write lock
    result = await outlook.sync_session(deps.uow, deps.clock, deps.outlook, session, owner)
    return result.value


async def resync(deps: WorkerDeps, therapist_id: str, backfill: bool = False) -> dict[str, int]:
    """After connecting (backfill of upcoming sessions), or after a change that alters many
    events' text (a client renamed or merged, an event type renamed) or removes sessions."""
    owner = UUID(uuid_arg("therapist_id", therapist_id))
    if not deps.outlook.ready or not await _connected(deps, owner):
        return {}
    return await outlook.resync(deps.uow, deps.clock, deps.outlook, owner, backfill=bool(backfill))


async def _connected(deps: WorkerDeps, therapist_id: UUID) -> bool:
    found = await integration_of(deps.db, therapist_id)
    return found is not None and found.connected

