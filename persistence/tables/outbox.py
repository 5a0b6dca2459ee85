"""The transactional outbox of jobs."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class OutboxRow(SQLModel, table=True):
    """Jobs that must not be lost, written in the transaction of the change they follow and
    relayed to the broker after commit; `sent_at` is set once the broker has them."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "created_at"),)

    id: uuid.UUID = Field(primary_key=True)
    job: str = Field(sa_column=Column(String(80), nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON; IDs only, never PHI
    created_at: datetime = Field(sa_column=instant())
    sent_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))

