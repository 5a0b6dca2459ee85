"""Alembic environment. Migrations run on a synchronous engine (pysqlite or psycopg)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from persistence.migrate import sync_url
from persistence.tables import metadata

config = context.config
url = sync_url(config.get_main_option("sqlalchemy.url"))


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
