"""The audit log's jobs: chain new entries (every few seconds), prune old ones (every tick).

Both are idempotent and safe to run concurrently: each takes the chain's lock (an advisory lock
on PostgreSQL, SQLite's single writer) for its transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from persistence import audit as audit_store
from workers.jobs import WorkerDeps

log = logging.getLogger(__name__)

LINK_JOB = "audit.link"
PRUNE_JOB = "audit.prune"
DEFAULT_RETENTION_DAYS = 6 * 365 + 2  # six years, leap days included


async def link(deps: WorkerDeps) -> int:
    """Chain every unlinked entry (reads, changes, sign-ins) to its practice's previous one."""
    return await audit_store.link_all(deps.db)


async def prune(deps: WorkerDeps) -> int:
    """Delete linked entries older than the retention, leaving each chain a checkpoint."""
    days = deps.audit_retention_days
    if days <= 0:
        return 0  # kept for ever
    before = deps.clock.now() - timedelta(days=days)
    deleted = await audit_store.prune(deps.db, before)
    if deleted:
        log.info("audit log: pruned %d entries past the retention", deleted, extra={"pruned": deleted})
    return deleted
