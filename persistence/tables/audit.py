"""The audit log (README: "Audit log"); persistence/audit.py writes, links and verifies it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text, Uuid
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class AuditEntryRow(SQLModel, table=True):
    """Append-only: who touched which records, never the records' content. `seq` and `hash`
    stay null until the linker chains the entry to its practice's previous one."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_practice", "practice_id", "id"),
        Index("uq_audit_entries_practice_seq", "practice_id", "seq", unique=True),
        Index("ix_audit_entries_unlinked", "id", sqlite_where=sql_text("seq IS NULL"),
              postgresql_where=sql_text("seq IS NULL")),
    )

    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    practice_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    at: datetime = Field(sa_column=instant())
    actor_kind: str = Field(sa_column=Column(String(10), nullable=False))
    actor_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    actor_name: str | None = Field(default=None, sa_column=Column(String(80)))
    action: str = Field(sa_column=Column(String(20), nullable=False))
    operation: str = Field(sa_column=Column(String(200), nullable=False))
    subjects: str = Field(sa_column=Column(Text, nullable=False))  # "kind:uuid …", sorted
    client_ids: str = Field(sa_column=Column(Text, nullable=False))  # clients concerned, for the filter
    request_id: str | None = Field(default=None, sa_column=Column(String(64)))
    address: str | None = Field(default=None, sa_column=Column(String(64)))
    seq: int | None = Field(default=None, sa_column=Column(BigInteger))
    hash: str | None = Field(default=None, sa_column=Column(String(64)))


class AuditHeadRow(SQLModel, table=True):
    """Per practice: the chain's last link (so a deleted last entry shows), and the checkpoint
    left by retention pruning (the last pruned entry's seq and hash)."""

    __tablename__ = "audit_heads"

    practice_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    checkpoint_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    checkpoint_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    checkpoint_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))

