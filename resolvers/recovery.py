"""Account recovery: change the password (whoever's token asks), request and use a reset link."""

from __future__ import annotations

from domain import tokens
from domain.services import recovery
from resolvers.context import Context
from resolvers.errors import unauthenticated
from resolvers.outcome import Outcome, attempt


async def change_password(ctx: Context, current: str, new: str) -> Outcome[int]:
    """A therapist token changes the therapist's password, a portal token the client's."""
    s = ctx.services
    token = ctx.token or ""
    if tokens.kind_of(token) == tokens.CLIENT:
        client = await ctx.portal_client()
        cmd = recovery.PasswordChange(tokens.CLIENT, client.id, client.therapist_id,
                                      tokens.hash_token(token), current, new)
    else:
        me = await ctx.viewer()
        if me is None:
            raise unauthenticated()
        cmd = recovery.PasswordChange(tokens.THERAPIST, me.id, me.id, tokens.hash_token(token),
                                      current, new)
    return await attempt(recovery.change_password(
        s.uow(), s.hasher, s.limiter, s.clock, cmd, limits=s.config.signin_limits,
        policy=s.config.password_policy))


async def request_reset(ctx: Context, email: str, kind: str) -> Outcome[None]:
    s = ctx.services
    return await attempt(recovery.request_reset(
        s.uow(), s.limiter, s.clock, email=email, kind=kind,
        client_address=ctx.client_address, limits=s.config.signin_limits))


async def reset(ctx: Context, token: str, new_password: str) -> Outcome[tuple[str, str]]:
    s = ctx.services
    return await attempt(recovery.reset_password(
        s.uow(), s.notifications, s.hasher, s.clock, token=token, new_password=new_password,
        token_ttl=s.config.token_ttl, policy=s.config.password_policy))
