"""Alembic migrations produce exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from persistence import migrate
from persistence.tables import metadata
from tests.support.app import BACKENDS, fresh_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_match_the_models(backend, tmp_path_factory):
    cleanups: list = []
    try:
        url = fresh_database(backend, tmp_path_factory, cleanups)
        migrate.upgrade(url)  # idempotent: a second run changes nothing
        engine = create_engine(migrate.sync_url(url))
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, metadata)
        engine.dispose()
        assert diff == [], diff
    finally:
        for cleanup in cleanups:
            cleanup()
