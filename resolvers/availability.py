"""Weekly hours for the signed-in therapist."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.model import TimeSlot
from domain.services import availability
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt


async def weekly_hours(ctx: Context, therapist_id: UUID) -> dict[int, list[TimeSlot]]:
    return await ctx.loaders.weekly_hours_by_therapist.load(therapist_id)


async def set_day(
    ctx: Context, *, day: str, slots: Sequence[tuple[str, str]]
) -> Outcome[UUID]:
    me = await ctx.therapist()
    outcome = await attempt(availability.set_day(ctx.services.uow(), me.id, day=day, slots=slots))
    return Outcome(me.id, outcome.errors)


async def set_week(
    ctx: Context, *, days: Sequence[tuple[str, Sequence[tuple[str, str]]]]
) -> Outcome[UUID]:
    me = await ctx.therapist()
    outcome = await attempt(availability.set_week(ctx.services.uow(), me.id, days=days))
    return Outcome(me.id, outcome.errors)


async def copy_day(ctx: Context, *, from_day: str, to_days: Sequence[str]) -> Outcome[UUID]:
    me = await ctx.therapist()
    outcome = await attempt(
        availability.copy_day(ctx.services.uow(), me.id, from_day=from_day, to_days=to_days)
    )
    return Outcome(me.id, outcome.errors)
