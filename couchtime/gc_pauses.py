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
        self.max_cpu_ms = 0.0
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
        if cpu > self.max_cpu_ms:
            self.max_cpu_ms = cpu
        generation = info.get("generation", 2)
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
            "maxPauseCpuMs": round(self.max_cpu_ms, 1),
            "totalPauseMs": round(self.total_ms, 1),
            "pausesOver50Ms": self.slow,
            "frozenObjects": gc.get_freeze_count(),
            "thresholds": list(gc.get_threshold()),
        }


def freeze_after_startup() -> None:
    """Once, when the app has started and before it serves: `gc.collect(); gc.freeze()` moves
    modules, the schema, SQLAlchemy's and Strawberry's caches (~170,000 objects) to the
    permanent generation, which no collection walks again (see the module docstring)."""
    gc.collect()
    gc.freeze()


PAUSES: GcPauses | None = None  # installed by `couchtime serve` (couchtime.serving)


def report() -> dict[str, Any] | None:
    return PAUSES.report() if PAUSES is not None else None
