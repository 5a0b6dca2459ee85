"""The collector policy of `couchtime serve` (couchtime/gc_pauses.py): pauses are measured, the
survivors of every full collection are frozen, and frozen garbage is compacted after enough
closed sockets."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import weakref
from pathlib import Path

from couchtime.gc_pauses import FreezePolicy, GcPauses


class Cycle:
    def __init__(self) -> None:
        self.me = self


def walked(obj: object) -> bool:
    """Whether collections still walk the object (gc.get_objects skips the frozen ones)."""
    return any(o is obj for o in gc.get_objects())


def test_survivors_of_a_full_collection_are_frozen_and_compaction_frees_frozen_garbage():
    """Run in a fresh interpreter: the collector is process-wide, and the test session keeps
    many apps alive whose own collector callbacks and compactions would interleave."""
    script = "import asyncio, tests.unit.test_gc_pauses as t; asyncio.run(t.freeze_and_compact())"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0, run.stderr[-2000:]


async def freeze_and_compact() -> None:
    pauses, policy = GcPauses(), FreezePolicy(compact_after_closes=3)
    pauses.install()
    try:
        policy.start(asyncio.get_running_loop())
        kept = [Cycle() for _ in range(3)]
        assert walked(kept[0])
        gc.collect()  # a full collection: its survivors join the frozen ones
        assert not walked(kept[0])
        assert pauses.collections[2] >= 1 and pauses.report()["maxPauseMs"] >= 0
        ref = weakref.ref(kept[0])
        kept.clear()  # garbage now, but frozen: no collection sees it ...
        gc.collect()
        assert ref() is not None
        for _ in range(3):  # ... until 3 sockets have closed and a compaction ran
            policy.socket_closed()
        await asyncio.sleep(0)
        assert policy.compactions == 1 and policy.closes == 0
        assert ref() is None
    finally:
        policy.stop()
        pauses.uninstall()
        gc.unfreeze()
