"""Outlook integration of the signed-in therapist: status, connect, complete, disconnect."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ErrorCode, UserError
from domain.outlook import OutlookIntegration
from domain.services import outlook
from persistence.repositories.outlook import integration_of
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


_REFUSALS = {
    outlook.ConnectResult.INVALID_STATE: (
        ("state",), ErrorCode.INVALID,
        "This Outlook sign-in is not valid for your account (used, older than 10 minutes, or "
        "started by someone else). Connect again."),
    outlook.ConnectResult.DENIED: (
        ("code",), ErrorCode.OUTLOOK_CONNECT_FAILED, "Microsoft sign-in was cancelled or refused."),
    outlook.ConnectResult.FAILED: (
        ("code",), ErrorCode.OUTLOOK_CONNECT_FAILED,
        "Connecting Outlook failed at Microsoft's sign-in. Try again."),
    outlook.ConnectResult.NOT_CONFIGURED: ((), ErrorCode.OUTLOOK_NOT_CONFIGURED, outlook.NOT_CONFIGURED),
}


async def complete(ctx: Context, code: str | None, state: str | None, error: str | None
                   ) -> Outcome[OutlookIntegration]:
    """The web app's Outlook page, back from Microsoft, under the therapist's token."""
    me = await ctx.therapist()
    s = ctx.services
    result, _ = await outlook.complete_connect(s.uow, s.clock, s.outlook, therapist_id=me.id,
                                               state=state, code=code, error=error)
    if result is outlook.ConnectResult.CONNECTED:
        return Outcome(value=await status(ctx, me.id))
    field, code_, message = _REFUSALS[result]
    return Outcome(errors=[UserError(field, code_, message)])
