"""A therapist's clients (PHI)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class ClientRow(SQLModel, table=True):
    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_owner_status_name", "therapist_id", "status", "last_name", "first_name", "id"),
    )

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner(index=False))
    first_name: str = Field(sa_column=Column(String(100), nullable=False))
    last_name: str = Field(sa_column=Column(String(100), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    phone: str | None = Field(default=None, sa_column=Column(String(40)))
    time_zone: str | None = Field(default=None, sa_column=Column(String(64)))
    status: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(sa_column=instant())

