"""A minimal graphql-transport-ws client for tests and benches (what graphql-ws speaks)."""

from __future__ import annotations

import asyncio
import itertools
import json

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"


class LiveClient:
    """One websocket connection; `subscribe` returns an id; `next(id)` waits for its message."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url.replace("http://", "ws://").rstrip("/") + "/graphql"
        self.token = token
        self._ids = itertools.count(1)
        self._queues: dict[str, asyncio.Queue] = {}
        self.ws = None
        self._reader: asyncio.Task | None = None
        self.closed: asyncio.Future | None = None

    async def __aenter__(self) -> LiveClient:
        self.ws = await connect(self.url, subprotocols=[PROTOCOL], open_timeout=10)
        payload = {"authorization": f"Bearer {self.token}"} if self.token else {}
        await self.ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(self.ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        self.closed = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                    continue
                if "id" in message:
                    self._queues.setdefault(message["id"], asyncio.Queue()).put_nowait(message)
        except Exception:  # noqa: BLE001 - a closed socket ends the reader
            pass
        finally:
            if not self.closed.done():
                self.closed.set_result(self.ws.close_code)

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        op_id = str(next(self._ids))
        self._queues.setdefault(op_id, asyncio.Queue())
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe",
                                       "payload": {"query": query, "variables": variables or {}}}))
        return op_id

    async def next(self, op_id: str, timeout: float = 5.0) -> dict:
        """The next message for the operation: {"type": "next"|"error"|"complete", ...}."""
        return await asyncio.wait_for(self._queues[op_id].get(), timeout)

    async def data(self, op_id: str, timeout: float = 5.0) -> dict:
        message = await self.next(op_id, timeout)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]

    async def nothing(self, op_id: str, wait: float = 0.3) -> None:
        """Assert that no message arrives for the operation within `wait` seconds."""
        try:
            message = await asyncio.wait_for(self._queues[op_id].get(), wait)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message: {message}")

    async def complete(self, op_id: str) -> None:
        await self.ws.send(json.dumps({"id": op_id, "type": "complete"}))

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()
        if self._reader:
            await asyncio.gather(self._reader, return_exceptions=True)


async def init_close_code(base_url: str, token: str | None = None, **connect_options) -> int | None:
    """Opens a socket and sends connection_init (with the token, if any): None when the server
    acknowledges (the socket is then closed), else the code it closed the socket with."""
    url = base_url.replace("http://", "ws://").rstrip("/") + "/graphql"
    payload = {"authorization": f"Bearer {token}"} if token else {}
    async with connect(url, subprotocols=[PROTOCOL], open_timeout=10, **connect_options) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        assert reply["type"] == "connection_ack", reply
        return None
