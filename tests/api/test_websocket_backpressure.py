"""A client that stops reading: the server's writes to it wait (back-pressure through
couchtime.live_sockets.Flag), other clients are served meanwhile, and nothing is lost once it
reads again."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from websockets.asyncio.client import connect

from couchtime.live_sockets import LiveSocketProtocol
from tests.support.live_client import PROTOCOL

SCHEMA = "{ __schema { types { name description fields { name description args { name description } } } } }"
OPERATIONS = 12  # ~50 KiB each: far more than the small socket buffers set below


async def test_a_client_that_stops_reading_holds_back_only_itself(start_api):
    api = await start_api("sqlite", ws_max_subscriptions=OPERATIONS)
    url = api.base_url.replace("http://", "ws://") + "/graphql"
    small = socket.socket()
    small.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # what a phone on a bad network is
    small.setblocking(False)
    await asyncio.get_running_loop().sock_connect(small, (api.server.config.host, _port(api)))
    async with connect(url, sock=small, subprotocols=[PROTOCOL], max_queue=1, max_size=None) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        for server_side in _sockets(api):  # and a small send buffer on the server's end too
            server_side.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        for i in range(OPERATIONS):
            await ws.send(json.dumps({"id": str(i), "type": "subscribe", "payload": {"query": SCHEMA}}))
        # the client reads nothing now: the server's transport fills up and its sends wait
        sockets = _sockets(api)
        for _ in range(200):
            if any(not s.writable.is_set() for s in sockets):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the server never had to wait for the client")
        assert (await api.gql("{ commonSessionLengths }"))["commonSessionLengths"]  # others go on
        answered, completed = {}, set()
        while len(completed) < OPERATIONS:  # each operation: its result, then `complete`
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "next":
                answered[message["id"]] = message["payload"]
            elif message["type"] == "complete":
                completed.add(message["id"])
        assert len(answered) == OPERATIONS
        assert all(payload["data"]["__schema"]["types"] for payload in answered.values())
        assert all(s.writable.is_set() for s in sockets)  # writable again once drained


def _sockets(api) -> list[LiveSocketProtocol]:
    return [c for c in api.server.server_state.connections if isinstance(c, LiveSocketProtocol)]


def _port(api) -> int:
    return int(api.base_url.rsplit(":", 1)[1])
