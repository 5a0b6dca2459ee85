"""The bearer token travels in the websocket connection_init payload (graphql-transport-ws)."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


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
    async with connect(ws_url(api), subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"authorization": "Bearer ct_t_forged"}}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4403


async def test_no_token_is_a_public_connection(api):
    async with connect(ws_url(api), subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "{ me { email } }"}}))
        message = json.loads(await ws.recv())
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
