"""Outlook busy times for the therapist's own calendar view, their age, and the choice about
tentative events. Only the signed-in therapist's own intervals are ever read."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.external_busy import BusyInterval, BusySync
from persistence.repositories.external_busy import SqlExternalBusy
from resolvers.calendar import check_range
from resolvers.context import Context


async def state(ctx: Context, therapist_id: UUID) -> BusySync:
    key = ("busy_sync", therapist_id)
    if key not in ctx.memo:
        ctx.memo[key] = await SqlExternalBusy(ctx.services.db).state(therapist_id) or BusySync(therapist_id)
    return ctx.memo[key]  # type: ignore[return-value]


async def between(ctx: Context, therapist_id: UUID, start: datetime, end: datetime
                  ) -> tuple[list[BusyInterval], bool]:
    """The intervals overlapping [start, end), and whether tentative ones block."""
    check_range(start, end)
    me = await ctx.therapist()
    if me.id != therapist_id:
        return [], True
    found = await SqlExternalBusy(ctx.services.db).between(me.id, start, end)
    return found, (await state(ctx, me.id)).tentative_blocks


async def set_tentative_blocks(ctx: Context, blocks: bool) -> UUID:
    me = await ctx.therapist()
    chosen = await SqlExternalBusy(ctx.services.db).set_tentative_blocks(me.id, blocks)
    ctx.memo[("busy_sync", me.id)] = chosen
    return me.id
