"""Clients and the "New bookings" queue of the signed-in therapist."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from domain import matching
from domain.matching import MatchReason
from domain.model import Client, ClientStatus, Session
from domain.portal import PortalStatus
from domain.portal import portal_status as portal_status_of
from persistence import queries
from resolvers import cursors, global_ids
from resolvers.context import Context
from resolvers.errors import check_page_size, check_text_argument

TYPE_NAME = "Client"
MAX_PAGE = 100
MAX_NEW_BOOKINGS = 100  # the oldest intake clients shown in New bookings


def client_id(global_id: str | None) -> UUID | None:
    return global_ids.decode_as(global_id, TYPE_NAME) if global_id else None


async def owned(ctx: Context, raw_id: UUID | None) -> Client | None:
    me = await ctx.therapist()
    client = await ctx.loaders.client_by_id.load(raw_id) if raw_id else None
    return client if client is not None and client.therapist_id == me.id else None


def encode_session_cursor(session: Session) -> str:
    return cursors.encode(cursors.SESSIONS, session.id)


class SessionWhen(StrEnum):
    ALL = "ALL"
    UPCOMING = "UPCOMING"
    PAST = "PAST"


def _after(found: list, after: str | None, kind: str) -> list:
    """The items after the one a cursor names, found in the same list (resolvers.cursors)."""
    if not after:
        return found
    raw_id = cursors.decode(kind, after)
    at = next((i for i, item in enumerate(found) if str(item.id) == raw_id), None)
    if at is None:  # not in this list (any more)
        raise cursors.not_from_this_list()
    return found[at + 1:]


async def sessions_page(
    ctx: Context, client: Client, *, first: int, after: str | None, when: SessionWhen = SessionWhen.ALL
) -> tuple[list[Session], bool]:
    """One page of a client's sessions after a cursor: ALL oldest first (by start, then id);
    UPCOMING (not yet ended) soonest first; PAST (ended) most recent first.
    The client's sessions are loaded once per request for all clients asked (one query), and
    paged here: the page bounds what is returned and what the query cost counts."""
    check_page_size(first, MAX_PAGE)
    found = await ctx.loaders.sessions_by_client.load(client.id)
    now = ctx.services.clock.now()
    if when is SessionWhen.UPCOMING:
        found = [s for s in found if s.end > now]
    elif when is SessionWhen.PAST:
        found = [s for s in reversed(found) if s.end <= now]
    found = _after(found, after, cursors.SESSIONS)
    return found[:first], len(found) > first


async def new_bookings(ctx: Context) -> list[Client]:
    me = await ctx.therapist()
    return (await queries.intake_clients(ctx.services.db, me.id))[:MAX_NEW_BOOKINGS]


async def new_bookings_page(ctx: Context, *, first: int, after: str | None) -> tuple[list[Client], bool]:
    """The intake queue in the order it arrived, a page at a time (a busy booking page can
    fill it with more than one screen)."""
    me = await ctx.therapist()
    check_page_size(first, MAX_PAGE)
    found = _after(await queries.intake_clients(ctx.services.db, me.id), after, cursors.CLIENTS)
    return found[:first], len(found) > first


async def possible_matches(ctx: Context, client: Client) -> list[tuple[Client, list[MatchReason]]]:
    """For an intake client: the active clients that may be the same person (New bookings'
    merge offer); nothing for an active client."""
    if client.status is not ClientStatus.INTAKE:
        return []
    found = await queries.match_candidates(ctx.services.db, client, limit=matching.MAX_MATCHES * 3)
    matched = [(c, matching.reasons(client, c)) for c in found]
    return [(c, why) for c, why in matched if why][:matching.MAX_MATCHES]


async def portal_status(ctx: Context, client: Client) -> PortalStatus:
    return portal_status_of(await ctx.loaders.portal_account_by_client.load(client.id))


def encode_cursor(client: Client) -> str:
    return cursors.encode(cursors.CLIENTS, client.id)


async def _client_key(ctx: Context, therapist_id: UUID, cursor: str) -> queries.ClientKey:
    """The keyset position (last name, first name, id) of the client a cursor names, looked up by
    ID for this therapist: the names stay on the server (resolvers.cursors)."""
    try:
        raw_id = UUID(cursors.decode(cursors.CLIENTS, cursor))
    except ValueError:
        raise cursors.not_from_this_list() from None
    client = await ctx.loaders.client_by_id.load(raw_id)
    if client is None or client.therapist_id != therapist_id:
        raise cursors.not_from_this_list()
    return client.last_name, client.first_name, str(client.id)


async def page(
    ctx: Context, *, first: int, after: str | None, search: str | None
) -> tuple[list[Client], bool]:
    me = await ctx.therapist()
    check_page_size(first, MAX_PAGE)
    check_text_argument(search, "search")
    key = await _client_key(ctx, me.id, after) if after else None
    term = (search or "").strip()[:100] or None
    return await queries.active_clients_page(
        ctx.services.db, me.id, first=first, after=key, search=term
    )
