"""The client portal: accounts and invites."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class PortalAccountRow(SQLModel, table=True):
    """A client's portal access (password hash, Argon2id) and reminder unsubscription."""

    __tablename__ = "portal_accounts"

    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    )
    password_hash: str | None = Field(default=None, sa_column=Column(String(255)))
    invited_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    accepted_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    unsubscribed_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))


class PortalInviteRow(SQLModel, table=True):
    """An invite; its link carries the ID signed with COUCHTIME_SIGNING_KEY (single use)."""

    __tablename__ = "portal_invites"

    id: uuid.UUID = Field(primary_key=True)
    client_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(sa_column=instant())
    expires_at: datetime = Field(sa_column=instant())
    used_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    # SHA-256 of the email address it was sent to: once the client's email changes, it is void
    sent_to: str | None = Field(default=None, sa_column=Column(String(64)))

