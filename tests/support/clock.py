"""A clock tests (and benches) set and move, handed to the app in place of the system clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class MutableClock:
    """A clock tests can set and move. After `set`, it keeps running from that instant (so
    records made one after another still get increasing times) unless `frozen=True`."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now
        self._set_at = time.monotonic()
        self._frozen = False
        self._offset = timedelta()

    def now(self) -> datetime:
        if self._now is None:
            return datetime.now(UTC) + self._offset
        running = timedelta(0) if self._frozen else timedelta(seconds=time.monotonic() - self._set_at)
        return self._now + self._offset + running

    def set(self, now: datetime, *, frozen: bool = False) -> None:
        self._now, self._offset, self._frozen = now, timedelta(), frozen
        self._set_at = time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self._offset += delta

    def reset(self) -> None:
        self._now, self._offset = None, timedelta()
