"""Time off of the signed-in therapist."""

from __future__ import annotations

from domain.model import TimeOff
from resolvers.context import Context

TYPE_NAME = "TimeOff"


async def listing(ctx: Context, therapist_id) -> list[TimeOff]:
    """Upcoming and ongoing first (soonest first), then past entries (most recent first)."""
    entries = await ctx.loaders.time_off_by_therapist.load(therapist_id)
    now = ctx.services.clock.now()
    upcoming = sorted((e for e in entries if e.interval.end > now), key=lambda e: e.interval.start)
    past = sorted((e for e in entries if e.interval.end <= now), key=lambda e: e.interval.start,
                  reverse=True)
    return upcoming + past
