"""Shared fixtures: a server per backend (SQLite, PostgreSQL) over real HTTP, its clock, and the
real SMTP server the email tests read. The helpers behind them live in tests/support/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from couchtime.app import create_app
from tests.support.app import BACKENDS, Api, LiveServer, app_settings, fresh_database
from tests.support.clock import MutableClock
from tests.support.mail import Inbox, shared_mail_api, shared_smtp


@pytest.fixture(scope="session")
async def start_api(tmp_path_factory) -> AsyncIterator[Callable]:
    """Factory: start_api(backend, **settings_overrides) → Api on its own fresh database."""
    started: list[tuple[LiveServer, Api]] = []
    cleanups: list[Callable[[], None]] = []

    async def start(backend: str, *, clock: MutableClock | None = None, **overrides) -> Api:
        url = fresh_database(backend, tmp_path_factory, cleanups)
        clock = clock or MutableClock()
        app = create_app(app_settings(url, **overrides), clock=clock)
        server = LiveServer(app)
        base_url = await server.start()
        api = Api(base_url, app, clock, server.server)
        started.append((server, api))
        return api

    yield start
    for server, api in started:
        await api.close()
        await server.stop()
    for cleanup in cleanups:
        cleanup()


@pytest.fixture(scope="session", params=BACKENDS)
async def api(request, start_api) -> Api:
    """The shared server per backend; tests isolate by signing up their own therapist."""
    return await start_api(request.param)


@pytest.fixture
def clock(api: Api) -> MutableClock:
    yield api.clock
    api.clock.reset()


@pytest.fixture(scope="session")
def smtp() -> Inbox:
    """The run's one real SMTP server (aiosmtpd); tests tell their messages apart by address."""
    return shared_smtp()


@pytest.fixture(scope="module", params=BACKENDS)
async def mail_api(request, start_api, smtp: Inbox) -> Api:
    """The server per backend that sends its email to `smtp` (shared by every email test)."""
    return await shared_mail_api(start_api, request.param)
