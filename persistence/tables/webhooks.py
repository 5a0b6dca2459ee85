"""A therapist's webhook endpoints and the record of each delivery to them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant, owner


class WebhookEndpointRow(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: uuid.UUID = Field(primary_key=True)
    therapist_id: uuid.UUID = Field(sa_column=owner())
    url: str = Field(sa_column=Column(Text, nullable=False))
    events: str = Field(sa_column=Column(Text, nullable=False))  # space-separated event names
    secret_sealed: str = Field(sa_column=Column(Text, nullable=False))  # SecretBox, never plain
    previous_sealed: str | None = Field(default=None, sa_column=Column(Text))
    previous_until: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    created_at: datetime = Field(sa_column=instant())


class WebhookDeliveryRow(SQLModel, table=True):
    """One message to one endpoint: its body (IDs and times only) and how sending it went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "message_id", name="uq_webhook_deliveries_message"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_owner", "therapist_id", "created_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    endpoint_id: uuid.UUID = Field(sa_column=Column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False))
    therapist_id: uuid.UUID = Field(sa_column=owner(index=False))
    message_id: uuid.UUID = Field(nullable=False)
    event: str = Field(sa_column=Column(String(40), nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(String(12), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    last_response_code: int | None = Field(default=None, sa_column=Column(SmallInteger))
    last_attempt_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    next_attempt_at: datetime | None = Field(default=None, sa_column=instant(nullable=True))
    created_at: datetime = Field(sa_column=instant())
