"""The client portal and reminder settings: who is asking, input → domain call → result."""

from __future__ import annotations

from uuid import UUID

from domain.audit import CLIENT, Actor
from domain.model import Client, Session
from domain.reminders import ReminderSettings
from domain.services import portal
from persistence import notifications as reads
from resolvers import audit as audit_log
from resolvers.clients import client_id
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt
from resolvers.sessions import session_id


async def invite(ctx: Context, global_client_id: str) -> Outcome[Client]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(portal.invite(s.uow(), s.notifications, s.clock, me.id, client_id(global_client_id)))


async def accept(ctx: Context, token: str, password: str) -> Outcome[tuple[Client, str]]:
    s = ctx.services
    return await attempt(portal.accept_invite(
        s.uow(), s.notifications, s.hasher, s.clock, token=token, password=password,
        token_ttl=s.config.token_ttl, policy=s.config.password_policy,
    ))


async def sign_in(ctx: Context, email: str, password: str) -> Outcome[tuple[Client, str]]:
    s = ctx.services
    outcome = await attempt(portal.sign_in(
        s.uow(), s.notifications, s.hasher, s.limiter, s.clock, email=email, password=password,
        client_address=ctx.client_address, limits=s.config.signin_limits, token_ttl=s.config.token_ttl,
    ))
    if outcome.value is not None:
        client = outcome.value[0]
        await audit_log.signed_in(ctx, Actor(CLIENT, client.id), client.therapist_id)
    else:
        await audit_log.sign_in_failed(ctx, email, therapist=False)
    return outcome


async def my_sessions(ctx: Context) -> tuple[Client, list[reads.PortalSessionRow]]:
    me = await ctx.portal_client()
    return me, await reads.client_sessions(ctx.services.db, me.id)


async def my_session(ctx: Context, session_id: UUID) -> tuple[Client, reads.PortalSessionRow | None]:
    """One session of the signed-in client; None if not theirs."""
    me = await ctx.portal_client()
    return me, await reads.client_session(ctx.services.db, me.id, session_id)


async def therapist_name(ctx: Context, therapist_id: UUID) -> str:
    key = ("therapist_name", therapist_id)
    if key not in ctx.memo:
        ctx.memo[key] = await reads.therapist_name(ctx.services.db, therapist_id) or ""
    return ctx.memo[key]  # type: ignore[return-value]


async def cancel_my_session(ctx: Context, global_session_id: str) -> Outcome[Session]:
    me = await ctx.portal_client()
    s = ctx.services
    return await attempt(portal.cancel_my_session(s.uow(), s.clock, me.id, session_id(global_session_id)))


async def reminder_settings(ctx: Context, therapist_id: UUID) -> ReminderSettings:
    s = ctx.services
    return await portal.reminder_settings(s.uow(), s.notifications, therapist_id)


async def update_reminder_settings(
    ctx: Context, *, enabled: bool, lead_minutes: int, also_day_before: bool
) -> Outcome[ReminderSettings]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(portal.update_reminder_settings(
        s.uow(), s.notifications, me.id, enabled=enabled, lead_minutes=lead_minutes,
        also_day_before=also_day_before,
    ))
