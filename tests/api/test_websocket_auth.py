"""The bearer token travels in the websocket connection_init payload (graphql-transport-ws)."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.app import BACKENDS
from tests.support.live_client import init_close_code


def ws_url(api) -> str:
    return api.base_url.replace("http://", "ws://") + "/graphql"


async def test_query_over_websocket_with_token_in_connection_init(api):
    token, therapist = await api.sign_up()
    async with connect(ws_url(api), subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "{ me { email } }"}}))
        message = json.loads(await ws.recv())
        assert message == {"id": "1", "type": "next",
                           "payload": {"data": {"me": {"email": therapist["email"]}}}}


async def test_bad_token_closes_with_4403(api):
    assert await init_close_code(api.base_url, "ct_t_forged") == 4403


async def test_no_token_is_a_public_connection(api):
    async with connect(ws_url(api), subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "{ me { email } }"}}))
        message = json.loads(await ws.recv())
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_browsers_on_other_origins_need_to_be_listed(start_api, backend):
    """Same-origin pages and non-browser clients (no Origin header) may connect; a page on
    another origin only when COUCHTIME_ALLOWED_ORIGINS lists it (the handshake gets 403)."""
    api = await start_api(backend, allowed_origins=("https://app.example.com",))
    for origin in (None, "https://app.example.com", api.base_url):
        assert await init_close_code(api.base_url, origin=origin) is None  # acknowledged
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(api), subprotocols=["graphql-transport-ws"], origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    unlisted = await start_api(backend)  # the default lists none: other origins are refused
    with pytest.raises(InvalidStatus):
        async with connect(ws_url(unlisted), subprotocols=["graphql-transport-ws"],
                           origin="https://app.example.com"):
            pass
