"""Outlook integration of the signed-in therapist: status, connect, disconnect."""

from __future__ import annotations

from uuid import UUID

from domain.outlook import OutlookIntegration
from domain.services import outlook
from persistence.outlook import integration_of
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt


async def status(ctx: Context, therapist_id: UUID) -> OutlookIntegration:
    found = await integration_of(ctx.services.db, therapist_id)
    return found or OutlookIntegration(therapist_id)


def available(ctx: Context) -> bool:
    return ctx.services.outlook.ready


async def connect(ctx: Context) -> Outcome[outlook.ConnectStart]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(outlook.start_connect(s.uow(), s.clock, s.outlook, me.id))


async def disconnect(ctx: Context) -> Outcome[OutlookIntegration]:
    me = await ctx.therapist()
    return await attempt(outlook.disconnect(ctx.services.uow(), me.id))
