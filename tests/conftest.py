"""Shared fixtures: a server per backend (SQLite, PostgreSQL) over real HTTP, its clock, and the
real SMTP server the email tests read. The helpers behind them live in tests/support/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from tests.support.app import BACKENDS, Api, Servers
from tests.support.clock import MutableClock
from tests.support.mail import Inbox, shared_mail_api, shared_smtp


@pytest.fixture(scope="session")
async def start_shared_api(tmp_path_factory) -> AsyncIterator[Callable]:
    """Factory for the servers the whole run shares (`api`, `mail_api`): stopped at the session's end."""
    async with Servers(tmp_path_factory) as servers:
        yield servers.start


@pytest.fixture(scope="module")
async def start_module_api(tmp_path_factory) -> AsyncIterator[Callable]:
    """Factory for a server one test module shares: stopped when the module's tests are done."""
    async with Servers(tmp_path_factory) as servers:
        yield servers.start


@pytest.fixture
async def start_api(tmp_path_factory) -> AsyncIterator[Callable]:
    """Factory: start_api(backend, **settings_overrides) → Api on its own fresh database, stopped
    (its workers and scheduler with it) when the test ends."""
    async with Servers(tmp_path_factory) as servers:
        yield servers.start


@pytest.fixture(scope="session", params=BACKENDS)
async def api(request, start_shared_api) -> Api:
    """The shared server per backend; tests isolate by signing up their own therapist."""
    return await start_shared_api(request.param)


@pytest.fixture
def clock(api: Api) -> MutableClock:
    yield api.clock
    api.clock.reset()


@pytest.fixture(scope="session")
def smtp() -> Inbox:
    """The run's one real SMTP server (aiosmtpd); tests tell their messages apart by address."""
    return shared_smtp()


@pytest.fixture(scope="module", params=BACKENDS)
async def mail_api(request, start_shared_api, smtp: Inbox) -> Api:
    """The server per backend that sends its email to `smtp` (shared by every email test)."""
    return await shared_mail_api(start_shared_api, request.param)
