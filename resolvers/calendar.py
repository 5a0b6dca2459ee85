"""The calendar read: sessions and conflicts in a range, in a constant number of statements.

One joined statement fetches the sessions around the range with their client, event type
and paperwork facts; the loaders the Session type uses are primed from it, and conflicts
come from one sweep over those intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import booking
from domain.conflicts import Timed, conflicting_ids, find_conflicts
from domain.intervals import Interval
from domain.model import Session
from persistence import queries
from resolvers.context import Context
from resolvers.errors import ApiError


@dataclass(frozen=True)
class CalendarRange:
    sessions: list[Session]  # those overlapping [start, end), by start
    pairs: list[tuple[Session, Session]]  # conflicting pairs with at least one in range


async def load(ctx: Context, start: datetime, end: datetime) -> CalendarRange:
    errors = booking.range_errors(start, end)
    if errors:
        raise ApiError(errors[0].message, "BAD_USER_INPUT", field=errors[0].field[-1])
    me = await ctx.therapist()
    rows = await queries.calendar_rows(ctx.services.db, me.id, start, end)
    loaders = ctx.loaders
    by_id = {}
    for row in rows:
        by_id[row.session.id] = row.session
        loaders.client_by_id.prime(row.client.id, row.client)
        loaders.event_type_by_id.prime(row.event_type.id, row.event_type)
        loaders.facts_by_session.prime(row.session.id, row.facts)
        loaders.session_by_id.prime(row.session.id, row.session)
    timed = [Timed(s.id, s.interval, s.cancelled) for s in by_id.values()]
    overlaps = conflicting_ids(timed)
    window = Interval(start, end)
    in_range = [s for s in by_id.values() if s.interval.overlaps(window)]
    for session in in_range:  # exact: every overlapping session is within the margin
        loaders.overlapping_by_session.prime(session.id, sorted(overlaps[session.id], key=str))
    pairs = [
        (by_id[a], by_id[b]) for a, b in find_conflicts(timed)
        if by_id[a].interval.overlaps(window) or by_id[b].interval.overlaps(window)
    ]
    return CalendarRange(in_range, pairs)
