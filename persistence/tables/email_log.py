"""The email log: one record per email ever sent (at most once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class EmailSendRow(SQLModel, table=True):
    """One email per (kind, key), ever: the unique record that makes a send at most once.
    state: queued (a reminder reserved by the scheduler) → sending (claimed) → sent | skipped."""

    __tablename__ = "email_sends"

    kind: str = Field(sa_column=Column(String(40), primary_key=True))
    key: str = Field(sa_column=Column(String(100), primary_key=True))
    state: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(sa_column=instant())
    sent_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))

