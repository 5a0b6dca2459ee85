"""Outlook busy times for the therapist's own calendar view, their age and the choice about
tentative events (set by the `SetTentativeEventsBlock` use case). Only the signed-in
therapist's own intervals are ever read."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.external_busy import BusyInterval, BusySync
from persistence.read_models.external_busy import SqlExternalBusyReads
from resolvers.calendar import check_range
from resolvers.context import Context


async def state(ctx: Context, therapist_id: UUID) -> BusySync:
    key = ("busy_sync", therapist_id)
    if key not in ctx.memo:
        found = await SqlExternalBusyReads(ctx.services.db).state(therapist_id)
        ctx.memo[key] = found or BusySync(therapist_id)
    return ctx.memo[key]  # type: ignore[return-value]


async def between(ctx: Context, therapist_id: UUID, start: datetime, end: datetime
                  ) -> tuple[list[BusyInterval], bool]:
    """The intervals overlapping [start, end), and whether tentative ones block."""
    check_range(start, end)
    me = await ctx.therapist()
    if me.id != therapist_id:
        return [], True
    found = await SqlExternalBusyReads(ctx.services.db).between(me.id, start, end)
    return found, (await state(ctx, me.id)).tentative_blocks
