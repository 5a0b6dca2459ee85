"""Clients and the "New bookings" queue of the signed-in therapist."""

from __future__ import annotations

from uuid import UUID

from domain.model import Client, Session
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


async def sessions_page(
    ctx: Context, client: Client, *, first: int, after: str | None
) -> tuple[list[Session], bool]:
    """One page of a client's sessions, oldest first (by start, then id), after a cursor (the ID of
    the session it continues after, found in the same list: see resolvers.cursors).
    The client's sessions are loaded once per request for all clients asked (one query), and
    paged here: the page bounds what is returned and what the query cost counts."""
    check_page_size(first, MAX_PAGE)
    found = await ctx.loaders.sessions_by_client.load(client.id)
    if after:
        raw_id = cursors.decode(cursors.SESSIONS, after)
        at = next((i for i, s in enumerate(found) if str(s.id) == raw_id), None)
        if at is None:  # not this client's session (any more)
            raise cursors.not_from_this_list()
        found = found[at + 1:]
    return found[:first], len(found) > first


async def new_bookings(ctx: Context) -> list[Client]:
    me = await ctx.therapist()
    return (await queries.intake_clients(ctx.services.db, me.id))[:MAX_NEW_BOOKINGS]


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
