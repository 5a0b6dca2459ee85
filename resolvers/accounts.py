"""Sign up, sign in, sign out, profile: who is asking → domain call → result."""

from __future__ import annotations

from domain.audit import THERAPIST, Actor
from domain.model import Therapist
from domain.services import accounts
from resolvers import audit as audit_log
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt


async def sign_up(ctx: Context, cmd: accounts.SignUp) -> Outcome[tuple[Therapist, str]]:
    s = ctx.services
    return await attempt(
        accounts.sign_up(
            s.uow(), s.hasher, s.limiter, s.clock, cmd, token_ttl=s.config.token_ttl,
            client_address=ctx.client_address, limits=s.config.signup_limits,
            policy=s.config.password_policy,
        )
    )


async def sign_in(ctx: Context, *, email: str, password: str) -> Outcome[tuple[Therapist, str]]:
    s = ctx.services
    outcome = await attempt(
        accounts.sign_in(
            s.uow(), s.hasher, s.limiter, s.clock, email=email, password=password,
            client_address=ctx.client_address, limits=s.config.signin_limits,
            token_ttl=s.config.token_ttl,
        )
    )
    if outcome.value is not None:
        therapist = outcome.value[0]
        await audit_log.signed_in(ctx, Actor(THERAPIST, therapist.id), therapist.id)
    else:
        await audit_log.sign_in_failed(ctx, email, therapist=True)
    return outcome


async def sign_out(ctx: Context) -> bool:
    """Revokes the token the request carries; signing out twice is harmless."""
    if not ctx.token:
        return False
    return await accounts.sign_out(ctx.services.uow(), ctx.services.clock, token=ctx.token)


async def update_profile(ctx: Context, changes: accounts.ProfileChanges) -> Outcome[Therapist]:
    me = await ctx.therapist()
    return await attempt(accounts.update_profile(ctx.services.uow(), me.id, changes))


def booking_page_url(ctx: Context, therapist: Therapist) -> str:
    return f"{ctx.services.config.public_app_url.rstrip('/')}/book/{therapist.username}"
