"""The audit log's hash chain on SQLite and PostgreSQL: `couchtime audit verify` (a subprocess)
passes on an intact log, names the practice whose entry was edited, deleted or moved, and still
passes after retention pruning (which leaves a checkpoint)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from domain import audit
from persistence import audit as audit_store
from persistence import migrate
from persistence.database import Database
from persistence.tables.audit import AuditEntryRow
from tests.support.app import BACKENDS, PG_URL, need
from tests.support.databases import create_pg_database
from tests.support.processes import run_couchtime


@pytest.fixture(params=BACKENDS)
async def db(request, tmp_path):
    if request.param == "sqlite":
        url, drop = f"sqlite+aiosqlite:///{tmp_path}/audit.db", (lambda: None)
    else:
        url, drop = create_pg_database(need("database", PG_URL))
    await asyncio.to_thread(migrate.upgrade, url)
    database = Database(url)
    database.test_url = url  # type: ignore[attr-defined]
    yield database
    await database.dispose()
    drop()


async def entries(db: Database, practice: uuid.UUID, count: int, *, at: datetime | None = None) -> None:
    at = at or datetime.now(UTC)
    rows = [audit_store.row_of(audit.Entry(
        practice_id=practice, at=at + timedelta(seconds=i), actor=audit.Actor(audit.THERAPIST, practice),
        action=audit.READ, operation="query sessions", subjects=(f"session:{uuid.uuid4()}",),
        request_id=f"r{i}", address="127.0.0.1")) for i in range(count)]
    await audit_store.append(db, rows)


def verify(db: Database):
    return run_couchtime("audit", "verify", env={"COUCHTIME_DATABASE_URL": db.test_url})  # type: ignore[attr-defined]


ENTRIES = AuditEntryRow.__table__


async def change(db: Database, practice: uuid.UUID, at_seq: int, **values) -> None:
    """Tamper as someone with database access would: edit or delete (no values) one entry."""
    where = (ENTRIES.c.practice_id == practice) & (ENTRIES.c.seq == at_seq)
    statement = update(ENTRIES).where(where).values(**values) if values else delete(ENTRIES).where(where)
    async with db.engine.begin() as conn:
        assert (await conn.execute(statement)).rowcount == 1


async def test_verify_passes_intact_and_finds_edited_deleted_and_reordered_entries(db):
    intact, edited, deleted, reordered, truncated = (uuid.uuid4() for _ in range(5))
    for practice in (intact, edited, deleted, reordered, truncated):
        await entries(db, practice, 5)
    await entries(db, intact, 3)  # a second batch keeps extending the same chain
    assert await audit_store.link_all(db) == 28
    assert await audit_store.link_all(db) == 0  # idempotent

    result = verify(db)
    assert result.returncode == 0, result.stderr
    assert "28 linked entries in 5 practice(s)" in result.stdout

    await change(db, edited, 2, address="10.0.0.9")
    await change(db, deleted, 3)
    # swap the places of entries 2 and 4 (through a free number: seq is unique per practice)
    await change(db, reordered, 2, seq=-1)
    await change(db, reordered, 4, seq=2)
    await change(db, reordered, -1, seq=4)
    await change(db, truncated, 5)

    result = verify(db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = result.stderr
    assert f"practice {edited}: entry 2: hash does not match" in problems
    assert f"practice {deleted}: entry 3: missing" in problems
    assert f"practice {reordered}: entry 2: hash does not match" in problems
    assert f"practice {reordered}: entry 4: hash does not match" in problems
    assert f"practice {truncated}: entry 5: the chain does not reach its head" in problems
    assert str(intact) not in problems


async def test_unlinked_entries_are_reported_not_failed(db):
    await entries(db, uuid.uuid4(), 2)
    result = verify(db)
    assert result.returncode == 0 and "2 not linked yet" in result.stdout


async def test_retention_prune_leaves_a_checkpoint_that_verify_starts_from(db):
    practice, other = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    await entries(db, practice, 4, at=now - timedelta(days=7 * 365))  # past six years
    await entries(db, practice, 3, at=now)
    await entries(db, other, 2, at=now - timedelta(days=7 * 365))
    await audit_store.link_all(db)

    cutoff = now - timedelta(days=audit_store_retention())
    assert await audit_store.prune(db, cutoff) == 6
    assert await audit_store.prune(db, cutoff) == 0
    async with db.engine.connect() as conn:
        kept = (await conn.execute(select(ENTRIES.c.seq).where(ENTRIES.c.practice_id == practice)
                                   .order_by(ENTRIES.c.seq))).scalars().all()
    assert kept == [5, 6, 7]
    result = verify(db)
    assert result.returncode == 0, result.stderr

    await entries(db, practice, 1)  # the chain goes on after the checkpoint
    await audit_store.link_all(db)
    assert verify(db).returncode == 0
    await change(db, practice, 5)
    result = verify(db)
    assert result.returncode == 1 and f"practice {practice}: entry 5: missing" in result.stderr


def audit_store_retention() -> int:
    from couchtime.settings import Settings

    return Settings().audit_retention_days
