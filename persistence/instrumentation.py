"""Counting SQL statements, for N+1 tests and the bench scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Statements that read or write data; transaction control is not counted."""
        return len(self.statements)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[StatementLog]:
    log = StatementLog()

    def before(conn, cursor, statement: str, *args) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            log.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield log
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
