"""Clients and the "New bookings" queue of the signed-in therapist."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from uuid import UUID

from domain.model import Client, Session
from domain.services import clients
from persistence import queries
from resolvers import global_ids
from resolvers.context import Context
from resolvers.errors import bad_request, check_text_argument
from resolvers.outcome import Outcome, attempt

TYPE_NAME = "Client"
MAX_PAGE = 100
MAX_NEW_BOOKINGS = 100  # the oldest intake clients shown in New bookings


def client_id(global_id: str | None) -> UUID | None:
    return global_ids.decode_as(global_id, TYPE_NAME) if global_id else None


async def owned(ctx: Context, raw_id: UUID | None) -> Client | None:
    me = await ctx.therapist()
    client = await ctx.loaders.client_by_id.load(raw_id) if raw_id else None
    return client if client is not None and client.therapist_id == me.id else None


async def sessions_of(ctx: Context, client: Client) -> list[Session]:
    return await ctx.loaders.sessions_by_client.load(client.id)


def encode_session_cursor(session: Session) -> str:
    raw = json.dumps([session.start.isoformat(), str(session.id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _session_key(session: Session) -> tuple[str, str]:
    return session.start.isoformat(), str(session.id)


def _decode_session_cursor(cursor: str) -> tuple[str, str]:
    try:
        start, raw_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        UUID(raw_id)
        return datetime.fromisoformat(start).isoformat(), str(raw_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise bad_request("`after` is not a cursor from this list.") from None


async def sessions_page(
    ctx: Context, client: Client, *, first: int, after: str | None
) -> tuple[list[Session], bool]:
    """One page of a client's sessions, oldest first (by start, then id), after a cursor.
    The client's sessions are loaded once per request for all clients asked (one query), and
    paged here: the page bounds what is returned and what the query cost counts."""
    if not 1 <= first <= MAX_PAGE:
        raise bad_request(f"`first` must be between 1 and {MAX_PAGE}.")
    key = _decode_session_cursor(after) if after else None
    found = await sessions_of(ctx, client)
    if key is not None:
        found = [s for s in found if _session_key(s) > key]
    return found[:first], len(found) > first


async def new_bookings(ctx: Context) -> list[Client]:
    me = await ctx.therapist()
    return (await queries.intake_clients(ctx.services.db, me.id))[:MAX_NEW_BOOKINGS]


def encode_cursor(client: Client) -> str:
    raw = json.dumps([client.last_name, client.first_name, str(client.id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> queries.ClientKey:
    try:
        last, first, raw_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        UUID(raw_id)
        return str(last), str(first), str(raw_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise bad_request("`after` is not a cursor from this list.") from None


async def page(
    ctx: Context, *, first: int, after: str | None, search: str | None
) -> tuple[list[Client], bool]:
    me = await ctx.therapist()
    if not 1 <= first <= MAX_PAGE:
        raise bad_request(f"`first` must be between 1 and {MAX_PAGE}.")
    check_text_argument(search, "search")
    key = _decode_cursor(after) if after else None
    term = (search or "").strip()[:100] or None
    return await queries.active_clients_page(
        ctx.services.db, me.id, first=first, after=key, search=term
    )


async def create(ctx: Context, fields: clients.ClientFields) -> Outcome[Client]:
    me = await ctx.therapist()
    return await attempt(clients.create(ctx.services.uow(), ctx.services.clock, me.id, fields))


async def update(ctx: Context, global_id: str, fields: clients.ClientFields) -> Outcome[Client]:
    me = await ctx.therapist()
    return await attempt(clients.update(ctx.services.uow(), me.id, client_id(global_id), fields))


async def accept(ctx: Context, global_id: str) -> Outcome[Client]:
    me = await ctx.therapist()
    return await attempt(clients.accept(ctx.services.uow(), me.id, client_id(global_id)))


async def reject(ctx: Context, global_id: str) -> Outcome[UUID]:
    me = await ctx.therapist()
    return await attempt(clients.reject(ctx.services.uow(), me.id, client_id(global_id)))


async def merge(ctx: Context, global_id: str, into_global_id: str) -> Outcome[Client]:
    me = await ctx.therapist()
    return await attempt(
        clients.merge(ctx.services.uow(), me.id, client_id(global_id), client_id(into_global_id))
    )
