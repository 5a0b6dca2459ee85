"""Recurring series of the signed-in therapist."""

from __future__ import annotations

from domain.model import Repeats, Series, Session
from domain.services import series
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt
from resolvers.sessions import series_policy as policy
from resolvers.sessions import session_id


async def start(ctx: Context, global_id: str, repeats: Repeats) -> Outcome[tuple[Session, Series, list]]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(
        series.start_repeating(s.uow(), s.clock, s.rooms, me.id, session_id(global_id), repeats, policy(ctx))
    )


async def stop(ctx: Context, global_id: str) -> Outcome[tuple[Series, list[Session]]]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(series.stop_repeating(s.uow(), s.clock, me.id, session_id(global_id)))
