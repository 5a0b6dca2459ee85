"""The client portal's reads: my sessions, my therapist's name."""

from __future__ import annotations

from uuid import UUID

from domain.model import Client
from persistence.read_models import portal as reads
from persistence.read_models.portal import PortalSessionRow
from resolvers.context import Context

__all__ = ["PortalSessionRow", "my_session", "my_sessions", "therapist_name"]


async def my_sessions(ctx: Context) -> tuple[Client, list[PortalSessionRow]]:
    me = await ctx.portal_client()
    return me, await reads.client_sessions(ctx.services.db, me.id)


async def my_session(ctx: Context, session_id: UUID) -> tuple[Client, PortalSessionRow | None]:
    """One session of the signed-in client; None if not theirs."""
    me = await ctx.portal_client()
    return me, await reads.client_session(ctx.services.db, me.id, session_id)


async def therapist_name(ctx: Context, therapist_id: UUID) -> str:
    key = ("therapist_name", therapist_id)
    if key not in ctx.memo:
        ctx.memo[key] = await reads.therapist_name(ctx.services.db, therapist_id) or ""
    return ctx.memo[key]  # type: ignore[return-value]
