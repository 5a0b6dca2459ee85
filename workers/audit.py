"""The audit log's jobs: chain new entries (every few seconds), prune old ones (every tick).

The linker runs inside the scheduler, every `COUCHTIME_AUDIT_LINK_SECONDS`, like the outbox
relay: one process per deployment, and no message on the queue every few seconds. Pruning is a
periodic job. Both are idempotent and safe to run concurrently (a second scheduler during a
deploy): each takes the chain's lock (an advisory lock on PostgreSQL, SQLite's single writer).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from domain.dependencies import Dependencies
from persistence import audit as audit_store
from persistence.database import Database

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 6 * 365 + 2  # six years, leap days included


def linker(db: Database) -> Callable[[], Awaitable[int]]:
    """What the scheduler runs every few seconds: chain every unlinked entry (reads, changes,
    sign-ins) to its practice's previous one."""
    return lambda: audit_store.link_all(db)


async def prune(deps: Dependencies[Database]) -> int:
    """Delete linked entries older than the retention, leaving each chain a checkpoint."""
    days = deps.config.audit_retention_days
    if days <= 0:
        return 0  # kept for ever
    before = deps.clock.now() - timedelta(days=days)
    deleted = await audit_store.prune(deps.db, before)
    if deleted:
        log.info("audit log: pruned %d entries past the retention", deleted, extra={"pruned": deleted})
    return deleted
