"""Live subscriptions: filter the bus's messages for one subscriber, fresh loaders per event.

A therapist's streams carry only that therapist's events and end when the token they were
opened with signs out or expires (couchtime.socket_auth closes the socket too). Public
streams (a booking page) carry no PHI: days, never people.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import tokens
from domain.accounts import normalize_username
from domain.intervals import Interval
from domain.live import LiveOverflow, instant
from persistence import queries
from resolvers import global_ids
from resolvers.context import Context
from resolvers.errors import ApiError, check_text_argument
from resolvers.loaders import Loaders

AVAILABILITY_EVENTS = {  # bookings and intake actions arrive as their SessionChanged
    "SessionChanged",
    "TimeOffChanged",
    "AvailabilityChanged",
    "EventTypeChanged",
    "ProfileUpdated",
}


def fresh_loaders(ctx: Context) -> None:
    """The websocket context lives as long as the connection: renew its caches per event."""
    ctx.loaders = Loaders(ctx.services.db)


def forget_loaders(ctx: Context) -> None:
    """Once an event is out, an idle socket keeps no loaders: their functions, batches and
    cached rows (~40 objects per socket the collector would walk for hours; next use makes new
    ones)."""
    ctx.forget_loaders()


def in_range(message: dict, start: datetime, end: datetime) -> bool:
    window = Interval(start, end)
    for key in ("before", "after"):
        span = message.get(key)
        if span and Interval(instant(span[0]), instant(span[1])).overlaps(window):
            return True
    return False


async def therapist_messages(ctx: Context, types: set[str]) -> AsyncIterator[dict]:
    me = await ctx.therapist()
    token_hash = tokens.hash_token(ctx.token or "")
    mine = str(me.id)

    def match(message: dict) -> bool:
        return message.get("therapist_id") == mine and (
            message["type"] in types or message["type"] == "SignedOut"
        )

    subscriber = _subscribe(ctx, match)
    try:
        while True:
            message = await _next(subscriber)
            if message["type"] == "SignedOut":
                if message.get("token_hash") == token_hash:
                    return  # signed out: the subscriptions this token opened stop
                continue
            if not ctx.token_live():
                return  # expired (or revoked): nothing more is delivered; the socket closes
            fresh_loaders(ctx)
            yield message
            forget_loaders(ctx)
    finally:
        subscriber.close()


def _subscribe(ctx: Context, match: Callable[[dict], bool]):
    bus = ctx.services.live
    if bus is None:
        raise ApiError("Live updates are not available.", "UNAVAILABLE")
    return bus.listen(match)


async def _next(subscriber) -> dict:
    """The next message; a subscriber that fell behind ends with an OVERFLOW error."""
    try:
        return await subscriber.next()
    except LiveOverflow:
        raise ApiError(
            "This subscription fell behind and was dropped: reconnect and refetch.", "OVERFLOW"
        ) from None


async def booking_page_messages(
    ctx: Context, username: str, event_type_id: str
) -> AsyncIterator[tuple[list[str] | None, str]]:
    """(local dates whose slots may have changed — None = any day, username) per change."""
    check_text_argument(username, "username")
    therapist = await queries.therapist_by_username(ctx.services.db, normalize_username(username))
    raw_type = global_ids.decode_as(event_type_id, "EventType")
    if therapist is None or raw_type is None:
        raise ApiError("No such booking page or event type.", "NOT_FOUND")
    mine = str(therapist.id)
    zone = ZoneInfo(therapist.time_zone)

    def match(message: dict) -> bool:
        return message.get("therapist_id") == mine and message["type"] in AVAILABILITY_EVENTS

    subscriber = _subscribe(ctx, match)
    try:
        while True:
            message = await _next(subscriber)
            if message["type"] == "EventTypeChanged" and message.get("event_type_id") != str(raw_type):
                continue
            if message["type"] == "SessionChanged" and message.get("before") == message.get("after"):
                continue  # its client changed (an intake action), not its time: no slot did
            yield _days(message, zone), therapist.username
    finally:
        subscriber.close()


def _days(message: dict, zone: ZoneInfo) -> list[str] | None:
    spans = []
    if message["type"] == "SessionChanged":
        spans = [message.get("before"), message.get("after")]
    elif message["type"] == "TimeOffChanged":
        spans = [[message["start"], message["end"]]]
    else:
        return None  # hours, event type or profile: any day may have changed
    days: set[date] = set()
    for span in spans:
        if not span:
            continue
        start = instant(span[0]).astimezone(zone)
        end = (instant(span[1]) - timedelta(microseconds=1)).astimezone(zone)  # end is exclusive
        day = start.date()
        while day <= end.date():
            days.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return sorted(d.isoformat() for d in days)
