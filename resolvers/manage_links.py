"""Manage-booking links (public): the token is the only credential, and it opens one session.

Whoever proves a link is named in the audit log as that client (actor CLIENT, name
"manage-link"), in their therapist's log: reads through the response's collector, the
cancellation (USE_CASES, `prove` before it) through the unit of work's CHANGE entry.
"""

from __future__ import annotations

from domain.errors import RuleViolation
from domain.notifications import SessionFactsForEmail
from domain.services import manage_links
from resolvers.context import LINK_CLIENT, Context
from resolvers.errors import ApiError, check_text_argument


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


async def prove(ctx: Context, command: manage_links.CancelManagedBooking) -> None:
    """Before the cancellation: a valid link names its client in the audit entry of the change
    (a bad one is a user error, raised here as the use case would)."""
    s = ctx.services
    _prove(ctx, await manage_links.view(s.notifications, s.clock, command.token))


def booking_page_url(ctx: Context, facts: SessionFactsForEmail) -> str:
    return ctx.services.notifications.links.booking_page(facts.therapist_username)
