"""Therapists (the practice's account) and their bearer tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, SmallInteger, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class TherapistRow(SQLModel, table=True):
    __tablename__ = "therapists"

    id: uuid.UUID = Field(primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    display_name: str = Field(sa_column=Column(String(100), nullable=False))
    username: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    time_zone: str = Field(sa_column=Column(String(64), nullable=False))
    office_street: str | None = Field(default=None, sa_column=Column(String(200)))
    office_city: str | None = Field(default=None, sa_column=Column(String(200)))
    office_state: str | None = Field(default=None, sa_column=Column(String(200)))
    office_zip: str | None = Field(default=None, sa_column=Column(String(200)))
    calendar_view: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(sa_column=instant())
    booking_horizon_days: int | None = Field(default=None, sa_column=Column(SmallInteger))
    locale: str = Field(
        default="en_US", sa_column=Column(String(35), nullable=False, server_default="en_US")
    )


class AuthTokenRow(SQLModel, table=True):
    """Bearer tokens by SHA-256; the token itself is never stored."""

    __tablename__ = "auth_tokens"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: uuid.UUID = Field(index=True)
    created_at: datetime = Field(sa_column=instant())
    expires_at: datetime = Field(sa_column=instant())
    revoked_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))

