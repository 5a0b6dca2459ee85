"""Series extension: occurrences exist as sessions up to the horizon.

Both actors run `extend_due`, which is idempotent and safe concurrently (occurrences are unique
per series and date; inserts skip existing ones), so a duplicated, retried or concurrent
message changes nothing twice, and a run killed halfway is completed by the next one.
"""

from __future__ import annotations

import logging

from domain.dependencies import Dependencies
from domain.services.series import extend_due
from persistence.database import Database
from workers.jobs import uuid_arg

log = logging.getLogger(__name__)


async def extend_series(deps: Dependencies[Database], series_id: str) -> int:
    """After a series started (outbox job): its own occurrences were made in that transaction;
    this catches it (and anything else due) up to the horizon."""
    uuid_arg("series_id", series_id)
    return await _extend(deps)


async def extend_all_due(deps: Dependencies[Database]) -> int:
    """Every scheduler tick: move every active series' horizon forward as days pass."""
    return await _extend(deps)


async def _extend(deps: Dependencies[Database]) -> int:
    created = await extend_due(deps.uow, deps.clock, deps.rooms, deps.config.series_policy,
                               batch=deps.config.extend_batch)
    if created:
        log.info("series extension created %d sessions", created, extra={"sessions_created": created})
    return created
