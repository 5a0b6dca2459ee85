"""The async engine and its sessions, on SQLite (embedded) or PostgreSQL (production).

On SQLite, writes open with BEGIN IMMEDIATE so that concurrent writers queue on the lock
(busy_timeout) instead of failing later with "database is locked"; reads stay deferred.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+psycopg")
_IMMEDIATE = "couchtime_immediate"
SQLITE_HOT_READERS = 2  # hot reads at once on SQLite (Database.hot_read)


class DatabaseUrlError(ValueError):
    """The configured URL is not one we can use. The message never echoes a password."""


def check_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError("COUCHTIME_DATABASE_URL is not a valid database URL") from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            "COUCHTIME_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+psycopg://"
        )
    return parsed.drivername


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Owns the engine; hands out read sessions and write sessions (one per unit of work)."""

    def __init__(
        self, url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 10
    ) -> None:
        driver = check_url(url)
        self.url = url
        self.is_sqlite = driver.startswith("sqlite")
        # bound values stay out of error messages (an IntegrityError would show the row)
        # SQLite keeps the same pool size: with SQLAlchemy's default (5), 16 concurrent requests
        # opened and closed overflow connections (a thread and four PRAGMAs each) all the time
        kwargs: dict = {"echo": echo, "hide_parameters": True, "pool_size": pool_size,
                        "max_overflow": max_overflow}
        if not self.is_sqlite:
            kwargs.update(pool_pre_ping=True)
        self.engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
            write_engine = self.engine.execution_options(**{_IMMEDIATE: True})
        else:
            write_engine = self.engine
        # one-statement writes outside a unit of work: on PostgreSQL in autocommit (the INSERT
        # commits itself: no BEGIN and COMMIT round trips), on SQLite in BEGIN IMMEDIATE
        self._quick = self.engine if self.is_sqlite else self.engine.execution_options(
            isolation_level="AUTOCOMMIT")
        self._gates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per event loop
        self._reads = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writes = async_sessionmaker(write_engine, expire_on_commit=False)

    def write_session(self) -> AsyncSession:
        return self._writes()

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def hot_read(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection for a request's hot read (the calendar, the booking page's reads).

        On SQLite at most `SQLITE_HOT_READERS` of them run at once per event loop; the others
        wait their turn before taking a connection. Each aiosqlite connection is a thread, and
        sixteen concurrent month views on ten of them spent a third more CPU per request
        (threads handing the GIL back and forth) than on two: bench_http's SQLite figures
        (README, Performance). Nothing waits on this gate while holding a connection, so it
        cannot deadlock; PostgreSQL has no gate."""
        async with self._gate("read", SQLITE_HOT_READERS), self.engine.connect() as conn:
            yield conn

    @asynccontextmanager
    async def quick_write(self) -> AsyncIterator[AsyncConnection]:
        """A connection for ONE write statement outside any unit of work (a request's audit READ
        entry), committed when it returns. On PostgreSQL it runs in autocommit (a checkout, the
        statement: two round trips fewer than BEGIN … COMMIT; the audit log's share of a month
        view, `bench_calendar`). On SQLite, which has one writer anyway, these queue in the
        process (one at a time) instead of in SQLite's busy handler, gated like `hot_read`, in a
        transaction committed on exit."""
        if self.is_sqlite:
            async with self._gate("write", 1), self.engine.begin() as conn:
                yield conn
        else:  # one statement in autocommit: it commits itself
            async with self._quick.connect() as conn:
                yield conn

    @asynccontextmanager
    async def _gate(self, kind: str, size: int) -> AsyncIterator[None]:
        if not self.is_sqlite:
            yield
            return
        gates = self._gates.setdefault(asyncio.get_running_loop(), {})
        gate = gates.get(kind)
        if gate is None:
            gate = gates[kind] = asyncio.Semaphore(size)
        async with gate:
            yield

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def upsert_for(session: AsyncSession):
    """The session's dialect's INSERT (PostgreSQL's or SQLite's), which has ON CONFLICT."""
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
