"""Conflict pairs and the drag preview."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.services.sessions import SessionResult
from schema.cost import bound
from schema.sessions import Session


@strawberry.type(description="Two scheduled sessions of one therapist whose times overlap.")
class ConflictPair:
    first: Session = strawberry.field(description="The one that starts first.")
    second: Session = strawberry.field(description="The one that starts later (or ties).")


@strawberry.type(description="What a change did to the calendar's overlaps.")
class ConflictChange:
    appeared: list[ConflictPair] = strawberry.field(
        description="Overlaps the change created. Cost: counted as 10 pairs.", metadata=bound(items=10))
    cleared: list[ConflictPair] = strawberry.field(
        description="Overlaps the change removed. Cost: counted as 10 pairs.", metadata=bound(items=10))


async def conflict_change(info: strawberry.Info, result: SessionResult) -> ConflictChange:
    """Pairs of ids from the domain, as sessions read fresh through the loaders."""
    loader = info.context.loaders.session_by_id
    ids = {i for pair in result.appeared + result.cleared for i in pair} - {result.session.id}
    others = {i: s for i, s in zip(ids, await loader.load_many(list(ids)), strict=True)}
    others[result.session.id] = result.session

    def pairs(found: list[tuple]) -> list[ConflictPair]:
        return [
            ConflictPair(first=Session.from_domain(others[a]), second=Session.from_domain(others[b]))
            for a, b in found
        ]

    return ConflictChange(appeared=pairs(result.appeared), cleared=pairs(result.cleared))


@strawberry.type(description="Where a dragged session would land, and what it would overlap.")
class ReschedulePreview:
    start: datetime = strawberry.field(description="The snapped start (UTC).")
    end: datetime = strawberry.field(description="The end; the length is kept.")
    conflicts: list[Session] = strawberry.field(
        description="Scheduled sessions it would overlap at the new time (not its old self). Cost: "
        "counted as 10 sessions.",
        metadata=bound(items=10),
    )
    change: ConflictChange = strawberry.field(
        description="Overlaps that would appear and clear compared with where it is now."
    )
