"""Outlook busy-time actors: read one therapist's calendar; the periodic fan-out of due reads.
Idempotent: a duplicated read applies the same delta (or reads the window again)."""

from __future__ import annotations

from uuid import UUID

from domain.dependencies import Dependencies
from domain.services import external_busy
from persistence.database import Database
from persistence.read_models.external_busy import SqlExternalBusyReads
from workers.jobs import uuid_arg


async def sync_busy(deps: Dependencies[Database], therapist_id: str, full: bool = False) -> str:
    """After connecting (`full`), and every few minutes while connected (BUSY_DUE_JOB)."""
    owner = UUID(uuid_arg("therapist_id", therapist_id))
    reads = SqlExternalBusyReads(deps.db)
    result = await external_busy.sync(deps.uow, deps.clock, deps.outlook, reads, owner, full=bool(full))
    return result.value

async def sync_busy_due(deps: Dependencies[Database]) -> int:
    if not deps.outlook.ready:
        return 0
    return await external_busy.enqueue_due(deps.uow, deps.clock)
