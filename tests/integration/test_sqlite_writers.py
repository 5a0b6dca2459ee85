"""SQLite: concurrent writers queue on BEGIN IMMEDIATE instead of failing "database is locked"."""

from __future__ import annotations

import asyncio

from adapters.event_bus import InProcessBus
from adapters.passwords import Argon2Hasher
from adapters.rate_limit import MemoryRateLimiter
from domain.services import accounts, availability
from persistence import migrate
from persistence.database import Database
from persistence.unit_of_work import UnitOfWorkFactory
from tests.support.clock import MutableClock


async def test_concurrent_writes_all_succeed(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/w.db"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    uow = UnitOfWorkFactory(db, InProcessBus())
    hasher = Argon2Hasher(time_cost=1, memory_kib=8, parallelism=1)
    from datetime import timedelta

    therapist, _ = await accounts.sign_up(
        uow(), hasher, MemoryRateLimiter(), MutableClock(),
        accounts.SignUp("w@example.com", "a long writer password", "W", "writer", "UTC"),
        token_ttl=timedelta(hours=1), client_address="127.0.0.1",
    )

    async def save(i: int) -> None:
        start = f"{i % 24:02d}:00"
        await availability.set_day(uow(), therapist.id, day="MONDAY", slots=[(start, "24:00")])

    await asyncio.gather(*(save(i) for i in range(40)))
    async with uow() as unit:
        week = await unit.availability.week(therapist.id)
    assert len(week[0]) == 1  # each save replaced the day whole; none interleaved
    hasher.close()
    await db.dispose()
