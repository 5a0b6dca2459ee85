"""Live subscriptions: a subscriber's events, and the work its delivery shares with others.

A therapist's streams carry only that therapist's events (the bus routes by therapist) and end
when the token they were opened with signs out or expires (couchtime.socket_auth closes the
socket too). Public streams (a booking page) carry no PHI: days, never people.

Every subscriber of one event on this process receives the same `Delivery`. What they would
each compute the same way — the payload's root object, the response of one document with the
same variables for the same viewer — is computed once (`shared`) and kept on the delivery,
which goes away when the last of them has sent it. What a shared computation exposes is still
written to each subscriber's own audit entry.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain import audit, tokens
from domain.accounts import normalize_username
from domain.events import (
    AvailabilityChanged,
    DomainEvent,
    EventTypeChanged,
    ProfileUpdated,
    SessionChanged,
    SignedOut,
    TimeOffChanged,
    WaitlistHoldChanged,
)
from domain.intervals import Interval
from domain.live import Delivery, LiveOverflow
from persistence import queries
from resolvers import global_ids
from resolvers.context import Context
from resolvers.errors import ApiError, check_text_argument
from resolvers.loaders import Loaders

T = TypeVar("T")
AVAILABILITY_EVENTS = (  # bookings and intake actions arrive as their SessionChanged
    SessionChanged, TimeOffChanged, AvailabilityChanged, EventTypeChanged, ProfileUpdated,
    WaitlistHoldChanged,  # a hold began or ended: its time's slots changed
)


def fresh_loaders(ctx: Context) -> None:
    """The websocket context lives as long as the connection: renew its caches per event."""
    ctx.loaders = Loaders(ctx.services.db)


def forget_loaders(ctx: Context) -> None:
    """Once an event is out, an idle socket keeps no loaders: their functions, batches and
    cached rows (~40 objects per socket the collector would walk for hours; next use makes new
    ones)."""
    ctx.forget_loaders()


def in_range(event: SessionChanged, start: datetime, end: datetime) -> bool:
    """Whether the session was or is in [start, end): the conflict rule's overlap."""
    window = Interval(start, end)
    return any(span is not None and Interval(*span).overlaps(window)
               for span in (event.before, event.after))


async def shared(delivery: Delivery, key: object, compute: Callable[[], Awaitable[T]]) -> T:
    """`compute()` once per delivery and key, whoever asks first; the others await the same.

    It runs in a task of its own (a subscriber that goes away mid-way cancels nothing the
    others wait for) with its own audit collector, whose findings each caller adds to its
    own: every socket's delivery is audited as if it had done the work itself. The key must
    hold everything the answer depends on (document, variables, viewer)."""
    task = delivery.shared.get(key)
    if task is None:
        task = asyncio.ensure_future(_collecting(compute))
        delivery.shared[key] = task
    value, seen = await asyncio.shield(task)  # type: ignore[arg-type]
    mine = audit.reads.get()
    if mine is not None:
        mine.seen |= seen.seen
        mine.clients |= seen.clients
    return value


async def _collecting(compute: Callable[[], Awaitable[T]]) -> tuple[T, audit.Reads]:
    collector = audit.Reads()
    audit.reads.set(collector)  # in this task's own copy of the context
    return await compute(), collector


async def therapist_events(
    ctx: Context, kinds: tuple[type[DomainEvent], ...]
) -> AsyncIterator[Delivery]:
    """The signed-in therapist's events of these kinds, until their token signs out."""
    me = await ctx.therapist()
    token_hash = tokens.hash_token(ctx.token or "")

    def match(event: DomainEvent) -> bool:
        return isinstance(event, kinds) or isinstance(event, SignedOut)

    subscriber = _subscribe(ctx, match, me.id)
    try:
        while True:
            delivery = await _next(subscriber)
            event = delivery.event
            if isinstance(event, SignedOut):
                if event.token_hash == token_hash:
                    return  # signed out: the subscriptions this token opened stop
                continue
            if not ctx.token_live():
                return  # expired (or revoked): nothing more is delivered; the socket closes
            fresh_loaders(ctx)
            yield delivery
            forget_loaders(ctx)
    finally:
        subscriber.close()


def _subscribe(ctx: Context, match: Callable[[DomainEvent], bool], therapist):
    bus = ctx.services.live
    if bus is None:
        raise ApiError("Live updates are not available.", "UNAVAILABLE")
    return bus.listen(match, therapist=therapist)


async def _next(subscriber) -> Delivery:
    """The next delivery; a subscriber that fell behind ends with an OVERFLOW error."""
    try:
        return await subscriber.next()
    except LiveOverflow:
        raise ApiError(
            "This subscription fell behind and was dropped: reconnect and refetch.", "OVERFLOW"
        ) from None


async def booking_page_events(
    ctx: Context, username: str, event_type_id: str
) -> AsyncIterator[tuple[Delivery, list[str] | None, str]]:
    """(the delivery, local dates whose slots may have changed — None = any day, username)."""
    check_text_argument(username, "username")
    therapist = await queries.therapist_by_username(ctx.services.db, normalize_username(username))
    raw_type = global_ids.decode_as(event_type_id, "EventType")
    if therapist is None or raw_type is None:
        raise ApiError("No such booking page or event type.", "NOT_FOUND")
    zone = ZoneInfo(therapist.time_zone)

    def match(event: DomainEvent) -> bool:
        return isinstance(event, AVAILABILITY_EVENTS)

    subscriber = _subscribe(ctx, match, therapist.id)
    try:
        while True:
            delivery = await _next(subscriber)
            event = delivery.event
            if isinstance(event, EventTypeChanged) and event.event_type_id != raw_type:
                continue
            if isinstance(event, SessionChanged) and event.before == event.after:
                continue  # its client changed (an intake action), not its time: no slot did
            yield delivery, _days(event, zone), therapist.username
    finally:
        subscriber.close()


def _days(event: DomainEvent, zone: ZoneInfo) -> list[str] | None:
    if isinstance(event, SessionChanged):
        spans = [event.before, event.after]
    elif isinstance(event, TimeOffChanged | WaitlistHoldChanged):
        spans = [(event.start, event.end)]
    else:
        return None  # hours, event type or profile: any day may have changed
    days: set[date] = set()
    for span in spans:
        if not span:
            continue
        start = span[0].astimezone(zone)
        end = (span[1] - timedelta(microseconds=1)).astimezone(zone)  # end is exclusive
        day = start.date()
        while day <= end.date():
            days.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return sorted(d.isoformat() for d in days)
