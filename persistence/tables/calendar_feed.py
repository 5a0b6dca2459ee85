"""The calendar feed: one secret, revocable iCalendar URL per therapist."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Uuid
from sqlmodel import Field, SQLModel

from persistence.tables.metadata import instant


class CalendarFeedRow(SQLModel, table=True):
    """A therapist's live calendar feed: its random ID (the URL's token is this ID signed with
    COUCHTIME_SIGNING_KEY, so this row alone never opens the feed). No row: no feed."""

    __tablename__ = "calendar_feeds"

    therapist_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True)
    )
    feed_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, unique=True))
    created_at: datetime = Field(sa_column=instant())
