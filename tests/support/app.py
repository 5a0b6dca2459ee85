"""A Couchtime app for tests: on a fresh database (SQLite file or PostgreSQL), served by uvicorn
on a loopback port, and a GraphQL client over real HTTP.

PostgreSQL runs when COUCHTIME_TEST_DATABASE_URL is set (and Redis when
COUCHTIME_TEST_REDIS_URL is set); with CI=true a missing server fails the test, never skips.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from dataclasses import replace
from typing import Any

import httpx
import pytest
import uvicorn

from couchtime.app import create_app
from couchtime.live_sockets import SERVER_OPTIONS
from couchtime.settings import Settings
from persistence import migrate
from tests.support.clock import MutableClock
from tests.support.databases import create_pg_database

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("COUCHTIME_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("COUCHTIME_TEST_REDIS_URL")
BACKENDS = ["sqlite", "postgres"]


def need(service: str, value: str | None) -> str:
    """The service URL, or skip (fail under CI=true) when it is not configured."""
    if value:
        return value
    message = f"{service} not configured (set COUCHTIME_TEST_{service.upper()}_URL)"
    if IN_CI:
        pytest.fail(message + " — CI=true requires it")
    pytest.skip(message)


def fresh_database(backend: str, tmp_path_factory, cleanups: list) -> str:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "couchtime.db"
        return f"sqlite+aiosqlite:///{path}"
    url, drop = create_pg_database(need("database", PG_URL))
    cleanups.append(drop)
    migrate.upgrade(url)
    return url


def break_sqlite_table(path: str, table: str) -> None:
    """Drop a table under a running server's feet: the next read of it fails unexpectedly."""
    conn = sqlite3.connect(path)
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()


def app_settings(database_url: str, **overrides: Any) -> Settings:
    base = Settings(
        env="development",
        database_url=database_url,
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
        signin_limit_per_email=1000,
        signin_limit_per_email_and_address=1000,
        signin_limit_per_address=10_000,
        signup_limit_per_address=100_000,
        booking_limit_per_address=100_000,
        cost_budget_per_token=10**9,  # every test shares 127.0.0.1; budgets have their own tests
        cost_budget_per_address=10**9,
        token_ttl_hours=24 * 365 * 5,  # tests move the clock by months
        database_pool_size=3,  # many apps share one PostgreSQL server (max_connections 100)
        database_max_overflow=5,
        log_format="text",
        log_level="WARNING",
        # each test app runs an in-process worker whose threads poll every 100 ms; the run's shared
        # servers and one test's own live at once, and 8 threads each would wake the 2 CPUs for nothing
        worker_threads=2,
    )
    return replace(base, **overrides)


class Api:
    """A GraphQL client over real HTTP."""

    def __init__(self, base_url: str, app, clock: MutableClock, server: uvicorn.Server | None = None) -> None:
        self.base_url = base_url
        self.app = app
        self.clock = clock
        self.server = server  # uvicorn's, for tests that look at its connections
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)

    @property
    def runtime(self):
        return self.app.state.runtime

    async def post(self, query: str, variables: dict | None = None, token: str | None = None,
                   headers: dict | None = None) -> dict:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=h
        )
        assert response.status_code in (200, 400), response.text
        return response.json()

    async def gql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        """`data` of a request that must not fail."""
        body = await self.post(query, variables, token)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def sign_up(self, **fields: str) -> tuple[str, dict]:
        suffix = uuid.uuid4().hex[:10]
        variables = {
            "email": fields.get("email", f"t{suffix}@example.com"),
            "password": fields.get("password", "correct horse battery"),
            "displayName": fields.get("displayName", "Dr Test"),
            "username": fields.get("username", f"t-{suffix}"),
            "timeZone": fields.get("timeZone", "America/New_York"),
        }
        data = await self.gql(SIGN_UP, {"input": variables})
        payload = data["signUp"]
        assert payload["userErrors"] == [], payload
        return payload["token"], payload["therapist"]

    async def close(self) -> None:
        await self.http.aclose()


SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    token
    therapist { id email displayName username timeZone bookingPageUrl }
    userErrors { field code message }
  }
}
"""


class LiveServer:
    """A uvicorn server on a free loopback port, running in the test's event loop."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=0, log_config=None, lifespan="on", access_log=False,
                timeout_graceful_shutdown=10,  # a test that left a request open cannot hang teardown
                **SERVER_OPTIONS,  # websockets as `couchtime serve` has them
            )
        )
        self.task: asyncio.Task | None = None

    async def start(self) -> str:
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(500):
            if self.server.started:
                break
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task:
            await self.task


class Servers:
    """Starts test servers, each on its own fresh database, and stops them all on exit: their
    embedded workers and scheduler stop with them, so no test's server runs on behind the next."""

    def __init__(self, tmp_path_factory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.started: list[tuple[LiveServer, Api]] = []
        self.cleanups: list = []

    async def start(self, backend: str, *, clock: MutableClock | None = None, **overrides: Any) -> Api:
        url = fresh_database(backend, self.tmp_path_factory, self.cleanups)
        clock = clock or MutableClock()
        app = create_app(app_settings(url, **overrides), clock=clock)
        server = LiveServer(app)
        base_url = await server.start()
        api = Api(base_url, app, clock, server.server)
        self.started.append((server, api))
        return api

    async def __aenter__(self) -> Servers:
        return self

    async def __aexit__(self, *exc_info) -> None:
        for server, api in self.started:
            await api.close()
            await server.stop()
        for cleanup in self.cleanups:
            cleanup()
