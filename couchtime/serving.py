"""The app as `couchtime serve` runs it: `create_app` plus the garbage collector's measurement
and tuning (couchtime/gc_pauses.py), which belong to a serving process and not to tests that
start many apps in one process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from couchtime import gc_pauses
from couchtime.app import create_app
from couchtime.settings import Settings


def create_serving_app() -> Starlette:
    """uvicorn's factory (`couchtime.serving:create_serving_app`), once per server process."""
    if gc_pauses.PAUSES is None:
        gc_pauses.PAUSES = gc_pauses.GcPauses()
        gc_pauses.PAUSES.install()
    settings = Settings.from_env()
    app = create_app(settings)
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with started(app):
            if settings.gc_thresholds:
                gc.set_threshold(*settings.gc_thresholds)
            if settings.gc_freeze:
                gc_pauses.POLICY = gc_pauses.FreezePolicy(settings.gc_compact_after_closes)
                gc_pauses.POLICY.start(asyncio.get_running_loop())
            gc_pauses.PAUSES.reset()  # type: ignore[union-attr]  # report serving, not start-up
            yield

    app.router.lifespan_context = lifespan
    return app
