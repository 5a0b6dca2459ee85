"""Access ends on an open websocket when the token does: signOut, revocation, expiry.

Issue 13: the viewer was looked up once per connection, so a signed-out or expired token kept
subscribing, writing notes and streaming the calendar on a socket opened before.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update
from websockets.exceptions import ConnectionClosed

from domain import tokens
from persistence.tables.accounts import AuthTokenRow
from tests.support.app import BACKENDS
from tests.support.calendar import create, practice
from tests.support.live_client import LiveClient

MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id client { firstName } } } }"""
PHI = "{ me { email } clients { edges { node { firstName email phone } } } }"
NOTE = """mutation($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) { userErrors { code } } }"""
HAS_NOTE = """query($id: ID!) { node(id: $id) { ... on Session { hasNote } } }"""
SIGN_OUT = "mutation { signOut { signedOut } }"
SIGN_IN = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""


async def closed_with(live: LiveClient, timeout: float = 5.0) -> int | None:
    return await asyncio.wait_for(asyncio.shield(live.closed), timeout)


async def no_data(live: LiveClient, op: str, wait: float = 0.5) -> None:
    """Nothing but (at most) a `complete` or `error` for the operation: never data."""
    try:
        message = await live.next(op, wait)
    except TimeoutError:
        return
    assert message["type"] in ("complete", "error"), message


async def test_sign_out_over_http_closes_the_socket_and_ends_everything(api):
    token, _, event_type, client = await practice(api)
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        assert (await live.data(await live.subscribe(PHI)))["me"]["email"]
        await asyncio.sleep(0.05)
        assert (await api.gql(SIGN_OUT, token=token))["signOut"]["signedOut"] is True
        assert await closed_with(live) == 4403
        await no_data(live, op)


async def test_a_revoked_token_is_refused_at_the_next_operation(api):
    """Each operation looks the token up again: even when the revocation was not announced on
    the bus (say a Redis outage lost it), the next subscribe or mutation closes with 4403 and
    runs nothing."""
    token, therapist, event_type, client = await practice(api)
    session = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    async with LiveClient(api.base_url, token) as live:
        assert (await live.data(await live.subscribe(PHI)))["me"]["email"]
        async with api.runtime.db.write_session() as s, s.begin():  # revoked, and nobody told
            await s.execute(update(AuthTokenRow).where(AuthTokenRow.token_hash == tokens.hash_token(token))
                            .values(revoked_at=api.clock.now()))
        op = await live.subscribe(NOTE, {"i": {"sessionId": session["id"], "text": "Secret note"}})
        assert await closed_with(live) == 4403
        await no_data(live, op)
    # the note was not written: ask with a fresh token of the owner
    fresh = await api.gql(SIGN_IN, {"i": {"email": therapist["email"], "password": "correct horse battery"}})
    assert fresh["signIn"]["userErrors"] == []
    assert (await api.gql(HAS_NOTE, {"id": session["id"]}, token=fresh["signIn"]["token"]))["node"]["hasNote"] is False


@pytest.mark.parametrize("backend", BACKENDS)
async def test_expiry_closes_the_socket_and_stops_delivery(start_api, backend):
    api = await start_api(backend, token_ttl_hours=1)
    token, therapist, event_type, client = await practice(api)
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.05)
        api.clock.advance(timedelta(hours=2))  # the token has expired
        fresh = (await api.gql(SIGN_IN, {"i": {"email": therapist["email"], "password": "correct horse battery"}}))
        await create(api, fresh["signIn"]["token"], client, event_type, "2026-03-04T15:00:00Z")
        await no_data(live, op)
        try:  # the next operation looks the token up and is refused ...
            later = await live.subscribe(PHI)
        except ConnectionClosed:  # ... unless the guard's tick (once a second) closed the socket first
            later = None
        assert await closed_with(live) == 4403
        if later is not None:
            await no_data(live, later)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_expiry_alone_closes_an_idle_socket(start_api, backend):
    api = await start_api(backend, token_ttl_hours=1)
    token, _ = await api.sign_up()
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.05)
        api.clock.advance(timedelta(hours=2))
        assert await closed_with(live) == 4403  # the guard's tick (once a second) saw it
        await no_data(live, op)


async def test_the_legacy_protocol_is_guarded_the_same_way(start_api):
    import json

    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    api = await start_api("sqlite", ws_legacy_protocol=True)
    token, _ = await api.sign_up()
    url = api.base_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "start", "id": "1", "payload": {"query": CALENDAR, "variables": MARCH}}))
        await asyncio.sleep(0.1)
        assert (await api.gql(SIGN_OUT, token=token))["signOut"]["signedOut"] is True
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 5))
                assert message["type"] != "data", message
    assert closed.value.rcvd.code == 4403
