"""Argon2id password hashing (argon2-cffi) off the event loop, in a bounded thread pool.

An Argon2id hash costs tens to hundreds of milliseconds of CPU and 64 MiB by design. Run on the
event loop, a dozen sign-ups stall every other request of the process; here each hash or verify
runs in a pool of `threads` worker threads (argon2-cffi releases the GIL while it hashes), so
the loop keeps answering and at most `threads` hashes (× their memory) run at once; more wait
their turn. Cost parameters come from settings.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError

# The password of the stand-in hash that sign-in verifies against when there is no account:
# never anyone's hash, so such a verify is always false, and costs exactly what a real one does.
_STAND_IN = "couchtime stand-in password, never issued"


class Argon2Hasher:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int, threads: int = 2) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="argon2")
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
