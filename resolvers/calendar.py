"""The calendar read: sessions and conflicts in a range, in a constant number of statements.

One joined statement fetches the sessions around the range with their client, event type
and paperwork facts; the loaders the Session type uses are primed from it, and conflicts
come from one sweep over those intervals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from domain import booking
from domain.conflicts import Timed, find_conflicts, partners
from domain.intervals import Interval
from domain.model import Client, EventType, Session, SessionFacts
from persistence.calendar_rows import calendar_rows
from resolvers.context import Context
from resolvers.errors import ApiError

T = TypeVar("T")


@dataclass(frozen=True)
class Prefetched:
    """What the calendar read already knows about one session (fields answer without awaiting)."""

    facts: SessionFacts
    client: Client
    event_type: EventType
    overlapping: list[UUID] | None  # None: not known from this read (ask the loader)
    lookup: Mapping[UUID, Session]  # every session read, for `conflictsWith`
    siblings: Mapping[UUID, Prefetched]
    views: dict[object, object]  # one per read: what the schema builds once for all its sessions

    def view(self, key: object, build: Callable[[], T]) -> T:
        """`build()` once per read for `key` (e.g. the GraphQL object of an event type that 200
        sessions share)."""
        found = self.views.get(key)
        if found is None:
            found = self.views[key] = build()
        return found  # type: ignore[return-value]


@dataclass(frozen=True)
class CalendarRange:
    sessions: list[Session]  # those overlapping [start, end), by start
    pairs: list[tuple[Session, Session]]  # conflicting pairs with at least one in range
    known: Mapping[UUID, Prefetched]


async def load(ctx: Context, start: datetime, end: datetime) -> CalendarRange:
    """Memoised per request: `sessions` and `conflicts` side by side read the database once."""
    key = ("calendar", start, end)
    if key not in ctx.memo:
        ctx.memo[key] = asyncio.ensure_future(_load(ctx, start, end))
    return await ctx.memo[key]


def check_range(start: datetime, end: datetime) -> None:
    errors = booking.range_errors(start, end)
    if errors:
        raise ApiError(errors[0].message, "BAD_USER_INPUT", field=errors[0].field[-1])


async def _load(ctx: Context, start: datetime, end: datetime) -> CalendarRange:
    check_range(start, end)
    me = await ctx.therapist()
    rows = await calendar_rows(ctx.services.db, me.id, start, end)
    by_id = {row.session.id: row.session for row in rows}
    intervals = {i: s.interval for i, s in by_id.items()}
    timed = [Timed(i, intervals[i], s.cancelled) for i, s in by_id.items()]
    found = find_conflicts(timed)  # one sweep: the pairs, and each session's partners from them
    overlaps = partners(by_id, found)
    window = Interval(start, end)
    inside = {i for i, interval in intervals.items() if interval.overlaps(window)}
    known: dict[UUID, Prefetched] = {}
    views: dict[object, object] = {}
    for row in rows:
        # Overlaps are exact only for sessions in range (whatever overlaps them lies within the
        # margin). A neighbour read through the margin may overlap sessions beyond it, so its
        # conflicts are left to the loader: `conflictsWith` must not depend on how a session
        # was reached (issue 18).
        exact = row.session.id in inside
        known[row.session.id] = Prefetched(
            row.facts, row.client, row.event_type,
            sorted(overlaps[row.session.id], key=lambda i: (by_id[i].start, str(i))) if exact else None,
            by_id, known, views,
        )
    in_range = [s for i, s in by_id.items() if i in inside]
    pairs = [(by_id[a], by_id[b]) for a, b in found if a in inside or b in inside]
    return CalendarRange(in_range, pairs, known)
