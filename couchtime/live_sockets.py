"""How uvicorn serves websockets here: lean per-connection state for hours-long live calendars.

A practice group keeps about ten calendars open per therapist, each a websocket that sits idle
most of the day, so what one idle connection costs is what the API costs (issue 6: < 50 KiB).
uvicorn's sans-I/O websockets protocol is used as is, except for three things it keeps for the
whole connection that a connection does not need:

- the handshake request and response, with their headers (~4.5 KiB), once the handshake is done;
- an `asyncio.Queue` for incoming messages: four deques (~3 KiB) where one list will do;
- an `asyncio.Event` for write back-pressure: one deque (~0.8 KiB) where a list made on demand
  will do.

This subclasses uvicorn internals, so uvicorn is pinned to a minor release in pyproject.toml;
the websocket tests run through it (tests use SERVER_OPTIONS too).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class Inbox:
    """The messages a socket received and its app has not read: a FIFO with `put_nowait`,
    `get` and `empty`, the part of `asyncio.Queue` uvicorn uses."""

    __slots__ = ("_items", "_getters")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._getters: list[asyncio.Future] | None = None

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self._wake_one()

    async def get(self) -> Any:
        while not self._items:
            getter = asyncio.get_running_loop().create_future()
            if self._getters is None:
                self._getters = []
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                if getter.done() and not getter.cancelled():
                    self._wake_one()  # it was woken for an item it will not take: pass it on
                raise
            finally:
                if getter in self._getters:
                    self._getters.remove(getter)
        return self._items.pop(0)

    def _wake_one(self) -> None:
        for getter in self._getters or ():
            if not getter.done():
                getter.set_result(None)
                return


class Flag:
    """`asyncio.Event` (set, clear, is_set, wait) whose waiter list exists only while someone
    waits: a socket is writable nearly always."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(True)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            return await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


class LiveSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol with the lean state described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()

    async def send(self, message: Any) -> None:
        await super().send(message)
        if self.handshake_complete:
            self.request = self.response = None  # the handshake is over: nothing reads them


SERVER_OPTIONS: dict[str, Any] = {
    "ws": LiveSocketProtocol,
    "ws_max_size": 1 << 20,
    "ws_per_message_deflate": False,  # zlib state costs ~40 KiB a socket
}
