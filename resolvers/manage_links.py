"""Manage-booking links (public): the token is the only credential, and it opens one session.

Whoever proves a link is named in the audit log as that client (actor CLIENT, name
"manage-link"), in their therapist's log: reads through the response's collector, the
cancellation through the unit of work's CHANGE entry.
"""

from __future__ import annotations

from domain.errors import RuleViolation
from domain.notifications import SessionFactsForEmail
from domain.services import manage_links
from resolvers.context import LINK_CLIENT, Context
from resolvers.errors import ApiError, check_text_argument
from resolvers.outcome import Outcome, attempt


def _prove(ctx: Context, facts: SessionFactsForEmail) -> SessionFactsForEmail:
    ctx.memo[LINK_CLIENT] = (facts.client_id, facts.therapist_id)
    return facts


async def view(ctx: Context, token: str) -> SessionFactsForEmail:
    """The query: a bad link is a GraphQL error with its code (there is no payload)."""
    check_text_argument(token, "token")
    s = ctx.services
    try:
        return _prove(ctx, await manage_links.view(s.notifications, s.clock, token))
    except RuleViolation as violation:
        first = violation.errors[0]
        raise ApiError(first.message, first.code.value, field="token") from None


async def cancel(ctx: Context, token: str) -> Outcome[SessionFactsForEmail]:
    s = ctx.services
    seen = await attempt(manage_links.view(s.notifications, s.clock, token))
    if seen.value is None:
        return seen
    _prove(ctx, seen.value)  # named in the audit entry of the change
    return await attempt(manage_links.cancel(s.uow(), s.notifications, s.clock, token))


def booking_page_url(ctx: Context, facts: SessionFactsForEmail) -> str:
    return ctx.services.notifications.links.booking_page(facts.therapist_username)
