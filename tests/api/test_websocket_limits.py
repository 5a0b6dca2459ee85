"""Websocket connection rules: connections per token, subscriptions per connection, the
connection_init deadline, and the legacy `graphql-ws` protocol (off unless turned on)."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.app import BACKENDS
from tests.support.live_client import PROTOCOL, LiveClient, init_close_code

CALENDAR = """subscription { calendarChanged(from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z") {
  kind } }"""


def ws_url(api) -> str:
    return api.base_url.replace("http://", "ws://") + "/graphql"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_token_holds_at_most_its_quota_of_connections(start_api, backend):
    api = await start_api(backend, ws_max_connections_per_token=3)
    token, _ = await api.sign_up()
    other, _ = await api.sign_up()
    held = [await LiveClient(api.base_url, token).__aenter__() for _ in range(3)]
    try:
        assert await init_close_code(api.base_url, token) == 4403  # the fourth
        assert await init_close_code(api.base_url, other) is None  # another token has its own quota
        await held.pop().__aexit__(None, None, None)
        for _ in range(50):  # the slot is given back when the server sees the close
            if await init_close_code(api.base_url, token) is None:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("a closed connection did not give its slot back")
    finally:
        for live in held:
            await live.__aexit__(None, None, None)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_sockets_without_a_token_have_a_quota_per_address(start_api, backend):
    api = await start_api(backend, ws_max_public_connections_per_address=2)
    token, _ = await api.sign_up()
    held = [await LiveClient(api.base_url).__aenter__() for _ in range(2)]  # two booking pages
    try:
        assert await init_close_code(api.base_url) == 4403
        assert await init_close_code(api.base_url, token) is None  # a signed-in socket counts against its token
    finally:
        for live in held:
            await live.__aexit__(None, None, None)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_subscriptions_per_connection_are_capped(start_api, backend):
    api = await start_api(backend, ws_max_subscriptions=2)
    token, _ = await api.sign_up()
    async with LiveClient(api.base_url, token) as live:
        first = await live.subscribe(CALENDAR)
        await live.subscribe(CALENDAR)
        third = await live.subscribe(CALENDAR)
        refused = await live.next(third)
        assert refused["type"] == "error" and "limit" in refused["payload"][0]["message"].lower()
        await live.complete(first)
        await asyncio.sleep(0.1)
        again = await live.subscribe(CALENDAR)
        await live.nothing(again)  # accepted: it waits for events instead of an error


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_socket_that_never_sends_connection_init_is_closed(start_api, backend):
    api = await start_api(backend, ws_init_timeout_seconds=1)
    async with connect(ws_url(api), subprotocols=[PROTOCOL]) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd.code == 4408


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_legacy_graphql_ws_protocol_is_off_unless_turned_on(start_api, backend):
    off = await start_api(backend)
    async with connect(ws_url(off), subprotocols=["graphql-ws"]) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd.code == 4406  # subprotocol not acceptable
    on = await start_api(backend, ws_legacy_protocol=True)
    async with connect(ws_url(on), subprotocols=["graphql-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
