"""Waitlist links (public) and the therapist's list.

Whoever proves a waitlist link is named in the audit log as the entry's client (actor CLIENT,
name "waitlist-link", the entry's ID), in their therapist's log:
the offer's read through the response's collector, a claim or a leave through `prove` before
the use case (USE_CASES)."""

from __future__ import annotations

from domain import audit
from domain import waitlist as rules
from domain.errors import RuleViolation
from domain.services import waitlist
from domain.waitlist import WaitlistEntry
from persistence.read_models import waitlist as reads
from resolvers.context import LINK_CLIENT, Context
from resolvers.errors import ApiError, check_text_argument


def _prove(ctx: Context, entry: WaitlistEntry) -> None:
    ctx.memo[LINK_CLIENT] = (entry.id, entry.therapist_id, audit.WAITLIST_LINK)


async def view(ctx: Context, token: str) -> waitlist.OfferView:
    """The waitlistOffer query: a bad link is a GraphQL error with its code."""
    check_text_argument(token, "token")
    s = ctx.services
    try:
        found = await waitlist.view(s.uow(), s.notifications.signing_key, token)
    except RuleViolation as violation:
        first = violation.errors[0]
        raise ApiError(first.message, first.code.value, field="token") from None
    _prove(ctx, found.entry)
    return found


async def prove_claim(ctx: Context, command: waitlist.ClaimWaitlistHold) -> None:
    _prove(ctx, (await waitlist.view(ctx.services.uow(), ctx.services.notifications.signing_key,
                                     command.token)).entry)


async def prove_leave(ctx: Context, command: waitlist.LeaveWaitlist) -> None:
    s = ctx.services
    entry_id = rules.entry_of(s.notifications.signing_key, command.token)
    async with s.uow() as uow:
        entry = await uow.waitlist.entry(entry_id)
    if entry is None:
        raise rules.invalid_link()
    _prove(ctx, entry)


async def listing(ctx: Context, limit: int) -> list[WaitlistEntry]:
    me = await ctx.therapist()
    return await reads.open_entries(ctx.services.db, me.id, limit)
