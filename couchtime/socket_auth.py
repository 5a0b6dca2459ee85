"""Access ends on an open websocket when trust ends: per-operation token checks, and a close
(4403) on revocation or expiry on every process.

- Every `subscribe` message (a query, a mutation or a subscription) looks the connection's token
  up again before it runs: the same single indexed statement as an HTTP request
  (`Context.reauthenticate`). A token revoked or expired since `connection_init` closes the
  socket with 4403 and the operation never runs.
- `SocketGuard` (one per process) knows which open sockets use which token (by its SHA-256) and
  when each token expires. It taps the live event bus: a `SignedOut` event (published by signOut,
  and once per token by a password change or reset) closes every socket of that token on this
  process; with Redis, every process hears it within the pub/sub latency. A one-second tick
  closes sockets whose token expired (by the service's clock, so tests can move time).
- Live subscriptions also check `Context.token_live()` before each delivery, so nothing is
  delivered after expiry or revocation even in the instant before the socket closes.

Redis pub/sub is at-most-once: a revocation lost in a Redis outage is caught at the socket's
next operation (which looks the token up) or at the token's expiry.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from domain import tokens
from domain.ports.outside_world import Clock
from resolvers.context import Context

log = logging.getLogger("couchtime.socket_auth")
FORBIDDEN = 4403
REVOKING_EVENTS = frozenset({"SignedOut"})
Revoke = Callable[[], Awaitable[None]]


class SocketGuard:
    """Closes this process's sockets whose token was revoked (bus) or expired (tick)."""

    def __init__(self, clock: Clock, *, tick_seconds: float = 1.0) -> None:
        self._clock = clock
        self._tick = tick_seconds
        self._by_hash: dict[str, set[int]] = {}
        self._watches: dict[int, tuple[str, Revoke]] = {}
        self._expiries: list[tuple[datetime, int]] = []  # a heap of (expires_at, watch id)
        self._ids = itertools.count(1)
        self._ticker: asyncio.Task | None = None

    @property
    def watched(self) -> int:
        return len(self._watches)

    def watch(self, token_hash: str, expires_at: datetime | None, revoke: Revoke) -> int:
        watch_id = next(self._ids)
        self._watches[watch_id] = (token_hash, revoke)
        self._by_hash.setdefault(token_hash, set()).add(watch_id)
        if expires_at is not None:
            heapq.heappush(self._expiries, (expires_at, watch_id))
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.create_task(self._tick_forever(), name="socket-guard-tick")
        return watch_id

    def unwatch(self, watch_id: int) -> None:
        found = self._watches.pop(watch_id, None)
        if found is None:
            return
        ids = self._by_hash.get(found[0])
        if ids is not None:
            ids.discard(watch_id)
            if not ids:
                del self._by_hash[found[0]]
        # its heap entry is skipped when it comes up

    def on_message(self, message: dict) -> None:
        """A bus tap: runs for every live message this process receives."""
        if message.get("type") not in REVOKING_EVENTS:
            return
        for watch_id in list(self._by_hash.get(message.get("token_hash") or "", ())):
            self._fire(watch_id)

    def expire_due(self) -> None:
        now = self._clock.now()
        while self._expiries and self._expiries[0][0] <= now:
            _, watch_id = heapq.heappop(self._expiries)
            self._fire(watch_id)

    def _fire(self, watch_id: int) -> None:
        found = self._watches.get(watch_id)
        if found is None:
            return
        self.unwatch(watch_id)
        task = asyncio.get_running_loop().create_task(found[1]())
        task.add_done_callback(_log_failure)

    async def _tick_forever(self) -> None:
        while self._watches:
            await asyncio.sleep(self._tick)
            self.expire_due()
        self._expiries.clear()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("closing a revoked socket failed: %s", type(task.exception()).__name__)


class _Guarded:
    """What both websocket protocols share: watch the token once acknowledged, re-check it
    before each operation, close with 4403 when it stops working."""

    context: Context
    _watch_id: int | None = None
    _revoked = False

    def _guard(self) -> SocketGuard | None:
        return getattr(self.view, "guard", None)  # type: ignore[attr-defined]

    def _start_watching(self) -> None:
        guard, ctx = self._guard(), self.context
        if guard is None or not ctx.token or self._watch_id is not None:
            return
        self._watch_id = guard.watch(tokens.hash_token(ctx.token), ctx.token_expires_at, self.revoke)

    def _stop_watching(self) -> None:
        guard = self._guard()
        if guard is not None and self._watch_id is not None:
            guard.unwatch(self._watch_id)
        self._watch_id = None

    async def _token_still_live(self) -> bool:
        ctx = self.context
        if not ctx.token:
            return True  # a public socket: nothing to re-check
        if self._revoked or not ctx.token_live() or not await ctx.reauthenticate():
            await self.revoke()
            return False
        return True

    async def revoke(self) -> None:
        """The token stopped working: end every operation and close the socket with 4403."""
        if self._revoked:
            return
        self._revoked = True
        self.context.token_revoked = True
        self._stop_watching()
        for operation_id in list(self._operation_ids()):
            await self._end_operation(operation_id)
        with contextlib.suppress(Exception):
            await self.websocket.close(code=FORBIDDEN, reason="Forbidden")  # type: ignore[attr-defined]

    def _operation_ids(self):
        raise NotImplementedError

    async def _end_operation(self, operation_id: str) -> None:
        raise NotImplementedError


class GuardedTransportWSHandler(_Guarded, BaseGraphQLTransportWSHandler):
    """graphql-transport-ws with per-operation token checks."""

    async def handle_connection_init(self, message) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self._start_watching()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and not await self._token_still_live():
            return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        self._stop_watching()
        await super().shutdown()

    def _operation_ids(self):
        return self.operations.keys()

    async def _end_operation(self, operation_id: str) -> None:
        await self.cleanup_operation(operation_id)


class GuardedWSHandler(_Guarded, BaseGraphQLWSHandler):
    """The legacy graphql-ws protocol (when COUCHTIME_WS_LEGACY_PROTOCOL is on), same checks."""

    async def handle_connection_init(self, message) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self._start_watching()

    async def handle_start(self, message: StartMessage) -> None:
        if self.connection_acknowledged and not await self._token_still_live():
            return
        await super().handle_start(message)

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            self._stop_watching()

    def _operation_ids(self):
        return self.tasks.keys()

    async def _end_operation(self, operation_id: str) -> None:
        await self.cleanup_operation(operation_id)
