"""The in-process event bus: subscribers in this process hear events after commit."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from domain.events import DomainEvent

log = logging.getLogger(__name__)
Handler = Callable[[DomainEvent], Awaitable[None]]


class InProcessBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        self._handlers.append(handler)
        return lambda: self._handlers.remove(handler)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for handler in list(self._handlers):
                try:
                    await handler(event)
                except Exception:  # a failing listener must not undo a committed change
                    log.exception("event handler failed", extra={"event": type(event).__name__})
