"""The signed-in therapist's date overrides, as the availability screen lists them."""

from __future__ import annotations

from domain.services import date_overrides as overrides_service
from persistence.repositories.availability import overrides_between
from resolvers.context import Context


async def upcoming(ctx: Context) -> list[overrides_service.DateOverride]:
    """From today (their clock) on, by date, at most `LISTED_AHEAD` of them."""
    me = await ctx.therapist()
    today = overrides_service.today_of(ctx.services.clock, me.time_zone)
    found = await overrides_between(ctx.services.db, me.id, today, today + overrides_service.MAX_AHEAD)
    listed = sorted(found.items())[:overrides_service.LISTED_AHEAD]
    return [overrides_service.DateOverride(day, tuple(slots)) for day, slots in listed]
