"""The Outlook integration: connection, connect attempts, event links."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, false
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class OutlookIntegrationRow(SQLModel, table=True):
    """A therapist's Outlook connection. `tokens` is a Fernet token (the access and refresh
    tokens, encrypted with COUCHTIME_SECRET_KEYS); NULL = disconnected."""

    __tablename__ = "outlook_integrations"

    therapist_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True)
    )
    account: str | None = Field(default=None, sa_column=Column(String(254)))
    tokens: str | None = Field(default=None, sa_column=Column(Text))
    token_version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    connected_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    last_sync_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(500)))


class OutlookConnectStateRow(SQLModel, table=True):
    """A connect attempt: the OAuth state (SHA-256), the PKCE verifier (encrypted); single use."""

    __tablename__ = "outlook_connect_states"

    state_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    therapist_id: uuid.UUID = Field(sa_column=owner())
    verifier: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: datetime = Field(sa_column=instant())


class OutlookEventRow(SQLModel, table=True):
    """A session's Outlook event. No foreign key to sessions: the row outlives a deleted
    session until its Outlook event is deleted too. The lease serialises syncs of a session."""

    __tablename__ = "outlook_events"

    session_id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner())
    graph_event_id: str | None = Field(default=None, sa_column=Column(String(512)))
    content_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    transaction_id: str | None = Field(default=None, sa_column=Column(String(64)))
    synced_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    lease_holder: str | None = Field(default=None, sa_column=Column(String(64)))
    lease_until: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    dirty: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))

