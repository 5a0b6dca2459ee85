"""Argon2id password hashing (argon2-cffi) off the event loop, in a bounded thread pool.

An Argon2id hash costs tens to hundreds of milliseconds of CPU and 64 MiB by design. Run on the
event loop, a dozen sign-ups stall every other request of the process; here each hash or verify
runs in a pool of `threads` worker threads (argon2-cffi releases the GIL while it hashes), so
the loop keeps answering and at most `threads` hashes (× their memory) run at once; more wait
their turn. On Linux those threads (and the lane threads libargon2 starts from them, which
inherit it) run at the lowest CPU priority (nice 19): a core busy hashing still gives the event
loop its turn at once, so other requests keep their latency while sign-ups queue. Cost
parameters come from settings.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError

# The password of the stand-in hash that sign-in verifies against when there is no account:
# never anyone's hash, so such a verify is always false, and costs exactly what a real one does.
_STAND_IN = "couchtime stand-in password, never issued"
HASHING_NICE = 19


def _lower_priority() -> None:
    """Runs in each pool thread: Linux applies a nice value per thread (and new threads inherit
    it); elsewhere the call would renice the whole process, so it is skipped."""
    if sys.platform != "linux":
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICE)
    except OSError:  # not allowed here: hashing still runs off the loop, at normal priority
        pass


class Argon2Hasher:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int, threads: int = 2) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, threads), thread_name_prefix="argon2", initializer=_lower_priority
        )
        # made once per process, with the current parameters, so verifying against it costs
        # what verifying a real (current) hash costs
        self._stand_in_hash = self._argon2.hash(_STAND_IN)

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self._verify, password_hash, password
        )

    async def verify_stand_in(self, password: str) -> None:
        """The work of one verify, against a hash of no account (always false)."""
        await self.verify(self._stand_in_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
