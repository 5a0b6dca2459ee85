"""The garbage collector's pauses in a serving process: measured, reported, and kept short.

Measured with `gc.callbacks` (a start and a stop per collection). `/healthz` reports them under
`gc` (collections per generation, the longest pause, pauses over 50 ms; counts only, no PHI),
and each pause over 50 ms is logged as a warning. A live calendar process stalls every socket
for as long as a collection runs, so this is what a late delivery is checked against.

The decision, from measurements of `couchtime serve` with 500 open calendar sockets per
process (`bench/bench_live.py`, `bench/bench_live_gc.py`, README "Performance"): see
`FreezePolicy`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import Any

log = logging.getLogger("couchtime.gc")
SLOW_MS = 50.0


class GcPauses:
    """Pause statistics per generation since `install` (or the last `reset`)."""

    def __init__(self, slow_ms: float = SLOW_MS) -> None:
        self.slow_ms = slow_ms
        self._started = self._started_cpu = 0.0
        self.reset()

    def reset(self) -> None:
        self.collections = [0, 0, 0]
        self.max_ms = [0.0, 0.0, 0.0]
        self.max_cpu_ms = [0.0, 0.0, 0.0]
        self.total_ms = 0.0
        self.slow = 0

    def install(self) -> None:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            self._started_cpu = time.thread_time()
            return
        pause = (time.perf_counter() - self._started) * 1000
        cpu = (time.thread_time() - self._started_cpu) * 1000
        generation = info.get("generation", 2)
        if cpu > self.max_cpu_ms[generation]:
            self.max_cpu_ms[generation] = cpu
        self.collections[generation] += 1
        self.total_ms += pause
        if pause > self.max_ms[generation]:
            self.max_ms[generation] = pause
        if pause > self.slow_ms:
            self.slow += 1
            log.warning("garbage collection paused the process for %.0f ms (%.0f ms of CPU; "
                        "generation %d, %d objects freed)", pause, cpu, generation,
                        info.get("collected", 0))

    def report(self) -> dict[str, Any]:
        """What `/healthz` shows: counts and milliseconds only."""
        return {
            "collections": list(self.collections),
            "maxPauseMs": round(max(self.max_ms), 1),
            "maxPauseMsByGeneration": [round(ms, 1) for ms in self.max_ms],
            "maxPauseCpuMs": round(max(self.max_cpu_ms), 1),
            "maxPauseCpuMsByGeneration": [round(ms, 1) for ms in self.max_cpu_ms],
            "totalPauseMs": round(self.total_ms, 1),
            "pausesOver50Ms": self.slow,
            "thresholds": list(gc.get_threshold()),
        }


class FreezePolicy:
    """Keeps what a full collection walks small (the data: README, Performance).

    - After start-up: `gc.collect(); gc.freeze()`: modules, the schema, SQLAlchemy's and
      Strawberry's caches (~170,000 objects) move to the permanent generation, which no
      collection walks again; then one more `gc.collect()` of the empty old generation, so
      that Python's rule for the next full collection (objects promoted since > a quarter of
      what the last one kept) is measured against 0, not 170,000: full collections stay
      small while sockets open (bench_live: longest 19-24 ms of CPU, before 29-33 ms).
    - After every full (generation 2) collection: `gc.freeze()` again, so the next one walks
      only what became long-lived since, not the ~190 objects each open socket holds.
    - The price: cyclic garbage among frozen objects is never collected. A socket that closes
      after its objects were frozen leaves ~65 of them (its protocol, transport, execution
      context). So every `compact_after_closes` closed sockets a *compaction* runs on the event
      loop, `gc.unfreeze(); gc.collect(); gc.freeze()`: one pause as long as a full collection
      without freezing, per that many closes, instead of one every 8-10 s.
    """

    def __init__(self, compact_after_closes: int) -> None:
        self.compact_after_closes = compact_after_closes
        self.closes = 0
        self.compactions = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._compacting = False
        self.frozen_at_start = 0

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Once, when the app has started and before it serves."""
        self._loop = loop
        gc.collect()
        gc.freeze()
        # counted once here: gc.get_freeze_count() walks the whole frozen list (~17 ms for
        # 175,000 objects), too slow for every /healthz
        self.frozen_at_start = gc.get_freeze_count()
        # a full collection of the now-empty old generation: Python runs the next full
        # collection once the objects promoted since exceed a quarter of what the last one
        # kept; kept = 0 keeps full collections frequent and small while sockets open
        gc.collect()
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def stop(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info.get("generation") == 2 and not self._compacting:
            gc.freeze()  # the collection is over: its survivors join the permanent generation

    def socket_closed(self) -> None:
        self.closes += 1
        if self.closes >= self.compact_after_closes and self._loop is not None:
            self.closes = 0
            self._loop.call_soon_threadsafe(self.compact)

    def compact(self) -> None:
        """Collects the frozen generation's garbage too (one long pause)."""
        self._compacting = True
        try:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.compactions += 1
        finally:
            self._compacting = False


PAUSES: GcPauses | None = None  # installed by `couchtime serve` (couchtime.serving)
POLICY: FreezePolicy | None = None  # likewise, unless COUCHTIME_GC_FREEZE=false


def report() -> dict[str, Any] | None:
    if PAUSES is None:
        return None
    return {**PAUSES.report(), "compactions": POLICY.compactions if POLICY is not None else 0,
            "frozenAtStart": POLICY.frozen_at_start if POLICY is not None else 0}


def socket_closed() -> None:
    """A live socket closed: counted towards the next compaction."""
    if POLICY is not None:
        POLICY.socket_closed()
