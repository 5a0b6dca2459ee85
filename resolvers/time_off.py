"""Time off of the signed-in therapist."""

from __future__ import annotations

from domain.model import TimeOff
from domain.services import time_off
from resolvers import global_ids
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt

TYPE_NAME = "TimeOff"


async def listing(ctx: Context, therapist_id) -> list[TimeOff]:
    """Upcoming and ongoing first (soonest first), then past entries (most recent first)."""
    entries = await ctx.loaders.time_off_by_therapist.load(therapist_id)
    now = ctx.services.clock.now()
    upcoming = sorted((e for e in entries if e.interval.end > now), key=lambda e: e.interval.start)
    past = sorted((e for e in entries if e.interval.end <= now), key=lambda e: e.interval.start,
                  reverse=True)
    return upcoming + past


async def add(ctx: Context, **fields) -> Outcome[TimeOff]:
    me = await ctx.therapist()
    return await attempt(time_off.add(ctx.services.uow(), ctx.services.clock, me.id, **fields))


async def remove(ctx: Context, global_id: str) -> Outcome[str]:
    me = await ctx.therapist()

    async def run() -> str:
        await time_off.remove(ctx.services.uow(), me.id, global_ids.decode_as(global_id, TYPE_NAME))
        return global_id

    return await attempt(run())
