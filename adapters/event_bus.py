"""Event buses: domain events published after commit reach live subscribers.

`InProcessBus` delivers inside one process (the embedded default). `RedisBus` publishes every
event to one Redis pub/sub channel and runs one reader per process that hands each message to
that process's subscribers, so a subscriber on process A hears what a mutation on process B
(or a worker) did. Redis pub/sub is at-most-once: a client that reconnects refetches.

Messages are the typed domain events (`domain.live` encodes and decodes them). A process routes
each one by its therapist: a dict from therapist to that therapist's subscribers, so an event
costs the number of its own listeners, not a test per open subscription. Every subscriber of
the event gets the same `Delivery`, where work they share is kept once (resolvers.live).

Each subscriber has a bounded queue. A subscriber that falls behind is dropped (its stream
ends with `LiveOverflow`) rather than stalling the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from domain.events import DomainEvent
from domain.live import Delivery, LiveOverflow, decode, encode

log = logging.getLogger(__name__)
Handler = Callable[[DomainEvent], Awaitable[None]]
Match = Callable[[DomainEvent], bool]
CHANNEL = "couchtime:live"
QUEUE_SIZE = 256


def _everything(event: DomainEvent) -> bool:
    return True


class Subscriber:
    """One live subscription's mailbox. Iterate it; close it (or leave the `async with`)."""

    __slots__ = ("_hub", "match", "therapist", "_pending", "_maxsize", "_waiter", "overflowed")

    def __init__(self, hub: EventHub, match: Match, maxsize: int, therapist: UUID | None) -> None:
        # a list and at most one future: an idle subscriber costs a few hundred bytes (an
        # asyncio.Queue holds four deques, ~3 KiB; even one empty deque is ~0.8 KiB)
        self._hub = hub
        self.match = match
        self.therapist = therapist
        self._pending: list[Delivery] = []
        self._maxsize = maxsize
        self._waiter: asyncio.Future | None = None
        self.overflowed = False

    def offer(self, delivery: Delivery) -> None:
        if self.overflowed:
            return
        if len(self._pending) >= self._maxsize:
            self.overflowed = True
            self._pending.clear()  # it must refetch anyway
        else:
            self._pending.append(delivery)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next(self) -> Delivery:
        while not self._pending:
            if self.overflowed:
                raise LiveOverflow()
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._pending.pop(0)  # short: a subscriber that falls behind is dropped

    def close(self) -> None:
        self._hub.remove(self)

    async def __aenter__(self) -> Subscriber:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class EventHub:
    """Local fan-out to this process's subscribers, routed by therapist."""

    def __init__(self) -> None:
        self._by_therapist: dict[UUID, set[Subscriber]] = {}
        self._everyone: set[Subscriber] = set()  # subscribers of every therapist's events
        self._count = 0
        self._handlers: list[Handler] = []
        self._watchers: list[Callable[[DomainEvent], None]] = []

    @property
    def subscriber_count(self) -> int:
        return self._count

    def listen(self, match: Match | None = None, maxsize: int = QUEUE_SIZE, *,
               therapist: UUID | None = None) -> Subscriber:
        """A mailbox for the events `match` accepts — of one therapist when `therapist` is
        given (the events of the others never reach `match`), else of all."""
        subscriber = Subscriber(self, match or _everything, maxsize, therapist)
        if therapist is None:
            self._everyone.add(subscriber)
        else:
            self._by_therapist.setdefault(therapist, set()).add(subscriber)
        self._count += 1
        return subscriber

    def remove(self, subscriber: Subscriber) -> None:
        if subscriber.therapist is None:
            found = self._everyone
        else:
            found = self._by_therapist.get(subscriber.therapist, set())
        if subscriber not in found:
            return
        found.discard(subscriber)
        self._count -= 1
        if not found and subscriber.therapist is not None:
            del self._by_therapist[subscriber.therapist]

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """In-process handlers of domain events (tests, embedded listeners)."""
        self._handlers.append(handler)
        return lambda: self._handlers.remove(handler)

    def heard(self) -> int | None:
        """None while this process cannot hear the bus; else a number that changes on every
        (re)connection (messages sent while it was down are lost: caches start over)."""
        return 0

    def watch(self, callback: Callable[[DomainEvent], None]) -> None:
        """A synchronous callback for every event this process receives (before the
        subscribers), whoever it is for: the socket guard closes revoked sockets from here."""
        self._watchers.append(callback)

    def deliver(self, event: DomainEvent) -> None:
        for watcher in self._watchers:
            try:
                watcher(event)
            except Exception:
                log.exception("live watcher failed")
        mine = self._by_therapist.get(event.therapist_id)
        if not mine and not self._everyone:
            return
        delivery = Delivery(event)
        for group in (mine, self._everyone):
            for subscriber in tuple(group or ()):
                try:
                    if subscriber.match(event):
                        subscriber.offer(delivery)
                except Exception:
                    log.exception("live subscriber filter failed")

    async def _run_handlers(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for handler in list(self._handlers):
                try:
                    await handler(event)
                except Exception:
                    log.exception("event handler failed", extra={"event": type(event).__name__})

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class InProcessBus(EventHub):
    async def publish(self, events: Sequence[DomainEvent]) -> None:
        await self._run_handlers(events)
        for event in events:
            self.deliver(event)


class RedisBus(EventHub):
    """One Redis connection per process for all its subscribers (plus the publisher's pool)."""

    def __init__(self, redis: Redis, channel: str = CHANNEL) -> None:
        super().__init__()
        self._redis = redis
        self._channel = channel
        self._reader: asyncio.Task | None = None
        self.ready = asyncio.Event()
        self._connections = 0

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        await self._run_handlers(events)
        for event in events:
            payload = encode(event)
            for attempt in (1, 2):  # a pooled connection may be stale after a Redis restart
                try:
                    await self._redis.publish(self._channel, payload)
                    break
                except (RedisConnectionError, RedisTimeoutError, OSError):
                    if attempt == 2:
                        log.warning("live event not published: Redis unreachable (clients refetch)")

    def heard(self) -> int | None:
        return self._connections if self.ready.is_set() else None

    async def start(self) -> None:
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name="redis-live-reader")

    async def stop(self) -> None:
        self.ready.clear()  # nothing is heard from here on
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None

    async def _read_forever(self) -> None:
        delay = 0.1
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self._connections += 1
                self.ready.set()
                if delay > 0.1:
                    log.warning("live events: reconnected to Redis")
                delay = 0.1
                async for raw in pubsub.listen():
                    if raw.get("type") == "message":
                        self._receive(raw["data"])
            except asyncio.CancelledError:
                raise
            except (RedisConnectionError, RedisTimeoutError, OSError):
                self.ready.clear()
                log.warning("live events: Redis connection lost; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _receive(self, data: bytes | str) -> None:
        try:
            event = decode(data)
        except (ValueError, TypeError, KeyError):
            log.warning("live message skipped: malformed")
            return
        if event is not None:
            self.deliver(event)
