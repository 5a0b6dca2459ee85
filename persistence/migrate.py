"""Apply Alembic migrations programmatically (`couchtime migrate`, the embedded start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sync_url(url: str) -> str:
    """The same database for a synchronous driver: aiosqlite → pysqlite; psycopg is both."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite")
    return parsed.render_as_string(hide_password=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    """Developers: `python -m persistence.migrate "message"` autogenerates a migration."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        scratch = f"sqlite+aiosqlite:///{folder}/autogenerate.db"
        upgrade(scratch)  # autogenerate compares the models with a database at head
        revision(scratch, sys.argv[1])
