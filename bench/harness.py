"""Shared bench plumbing: an app on a fresh database, in-process GraphQL, timing, counting.

Runs on SQLite by default; set COUCHTIME_BENCH_DATABASE_URL (a PostgreSQL server URL, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run on a fresh PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import httpx

from couchtime.app import create_app
from couchtime.settings import Settings
from persistence import migrate
from persistence.instrumentation import count_statements
from tests.support.databases import create_pg_database


def fresh_database_url() -> tuple[str, Callable[[], None]]:
    server = os.environ.get("COUCHTIME_BENCH_DATABASE_URL")
    if not server:
        folder = tempfile.mkdtemp(prefix="couchtime-bench-")
        return f"sqlite+aiosqlite:///{folder}/bench.db", lambda: None
    return create_pg_database(server, "couchtime_bench")


@dataclass
class Bench:
    app: object
    client: httpx.AsyncClient
    backend: str

    @property
    def engine(self):
        return self.app.state.runtime.db.engine

    async def gql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                          headers=headers)
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    async def measure(self, call: Callable[[], Awaitable[object]], *, runs: int) -> tuple[float, int]:
        """(median milliseconds, SQL statements of one call)."""
        with count_statements(self.engine) as log:
            await call()
        statements = log.count
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            await call()
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), statements


# figures, not budgets: a bench's back-to-back requests would spend the per-minute cost budget
BENCH_BUDGETS = {"cost_budget_per_token": 10**9, "cost_budget_per_address": 10**9}


async def with_bench(body: Callable[[Bench], Awaitable[None]], **overrides) -> None:
    url, drop = fresh_database_url()
    await asyncio.to_thread(migrate.upgrade, url)
    settings = replace(
        Settings(), database_url=url, argon2_time_cost=1, argon2_memory_kib=8,
        argon2_parallelism=1, log_level="WARNING", signup_limit_per_address=100_000,
        **{**BENCH_BUDGETS, **overrides},
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await body(Bench(app, client, "postgresql" if "postgresql" in url else "sqlite"))
    finally:
        await app.state.runtime.close()
        drop()


async def sign_up(bench: Bench, time_zone: str = "America/New_York") -> str:
    suffix = uuid.uuid4().hex[:8]
    data = await bench.gql(
        """mutation($i: SignUpInput!) { signUp(input: $i) { token userErrors { code } } }""",
        {"i": {"email": f"b{suffix}@example.com", "password": "bench password", "displayName": "B",
               "username": f"b-{suffix}", "timeZone": time_zone}},
    )
    return data["signUp"]["token"]
