"""Password-reset links (therapists and portal clients)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, String
from sqlalchemy import Uuid as sa_Uuid
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class PasswordResetRow(SQLModel, table=True):
    """A password-reset link (therapist or portal client); its link carries the ID signed with
    COUCHTIME_SIGNING_KEY. Single use, 1 hour. `subject_id` is NULL when no account had the
    requested email (the request does the same work either way)."""

    __tablename__ = "password_resets"

    id: uuid.UUID = Field(primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: uuid.UUID | None = Field(default=None, sa_column=Column(sa_Uuid(), index=True))
    created_at: datetime = Field(sa_column=instant())
    expires_at: datetime = Field(sa_column=instant())
    used_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))

