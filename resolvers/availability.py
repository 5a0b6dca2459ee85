"""Weekly hours for the signed-in therapist."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.model import TimeSlot
from domain.services import availability
from domain.services import date_overrides as overrides_service
from persistence.repositories.availability import overrides_between
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


async def copy_day(ctx: Context, *, from_day: str, to_days: Sequence[str]) -> Outcome[UUID]:
    me = await ctx.therapist()
    outcome = await attempt(
        availability.copy_day(ctx.services.uow(), me.id, from_day=from_day, to_days=to_days)
    )
    return Outcome(me.id, outcome.errors)


async def date_overrides(ctx: Context) -> list[overrides_service.DateOverride]:
    """The signed-in therapist's date overrides from today (their clock) on, by date."""
    me = await ctx.therapist()
    today = overrides_service.today_of(ctx.services.clock, me.time_zone)
    found = await overrides_between(ctx.services.db, me.id, today, today + overrides_service.MAX_AHEAD)
    listed = sorted(found.items())[:overrides_service.LISTED_AHEAD]
    return [overrides_service.DateOverride(day, tuple(slots)) for day, slots in listed]
