"""The collector policy of `couchtime serve` (couchtime/gc_pauses.py): pauses are measured, the
survivors of every full collection are frozen, and frozen garbage is compacted after enough
closed sockets."""

from __future__ import annotations

import asyncio
import gc

from couchtime.gc_pauses import FreezePolicy, GcPauses


class Cycle:
    def __init__(self) -> None:
        self.me = self


async def test_survivors_of_a_full_collection_are_frozen_and_compaction_frees_frozen_garbage():
    pauses, policy = GcPauses(), FreezePolicy(compact_after_closes=3)
    pauses.install()
    try:
        policy.start(asyncio.get_running_loop())
        frozen = gc.get_freeze_count()
        kept = [Cycle() for _ in range(100)]
        gc.collect()  # a full collection: its survivors join the frozen ones
        assert gc.get_freeze_count() >= frozen + 100
        assert pauses.collections[2] >= 1 and pauses.report()["maxPauseMs"] >= 0
        kept.clear()  # 100 cycles now garbage, frozen: no collection sees them ...
        assert gc.collect() < 100
        for _ in range(3):  # ... until 3 sockets have closed and a compaction ran
            policy.socket_closed()
        await asyncio.sleep(0)
        assert policy.compactions == 1 and policy.closes == 0
        assert gc.get_freeze_count() < frozen + 150  # the 100 cycles (200 objects) are gone
    finally:
        policy.stop()
        pauses.uninstall()
        gc.unfreeze()
