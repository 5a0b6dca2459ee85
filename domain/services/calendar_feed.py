"""Use cases of the calendar feed: turn it on or rotate it, turn it off, read it by its token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from domain import calendar_feed as feed
from domain.model import Therapist
from domain.ports.integration_storage import CalendarFeedReads
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RotateCalendarFeed:
    """Turn the feed on, or give it a new URL."""


@dataclass(frozen=True)
class DisableCalendarFeed:
    """Turn the feed off."""


async def rotate(uow: UnitOfWork, clock: Clock, signing_key: bytes, therapist_id: UUID) -> str:
    """A new feed ID for the therapist: the previous URL stops working at once. Returns the
    new token (turning the feed on is the first rotation)."""
    feed_id = uuid.uuid4()
    async with uow:
        await uow.calendar_feeds.replace(therapist_id, feed_id, clock.now())
        await uow.commit()
    return feed.feed_token(signing_key, feed_id)


async def disable(uow: UnitOfWork, therapist_id: UUID) -> bool:
    """No feed any more; True when there was one."""
    async with uow:
        removed = await uow.calendar_feeds.remove(therapist_id)
        await uow.commit()
    return removed


async def token_of(feeds: CalendarFeedReads, signing_key: bytes, therapist_id: UUID) -> str | None:
    feed_id = await feeds.feed_of(therapist_id)
    return feed.feed_token(signing_key, feed_id) if feed_id else None


async def owner_of(feeds: CalendarFeedReads, signing_key: bytes, token: str) -> Therapist | None:
    """Whose feed a token opens: None when forged, mangled or rotated away (no database read
    for a token whose signature fails)."""
    feed_id = feed.feed_id_of(signing_key, token)
    return await feeds.therapist_of(feed_id) if feed_id else None
