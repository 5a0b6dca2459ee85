"""Subscriptions (graphql-transport-ws): live calendars, conflicts, bookings, booking pages.

Delivery is at most once (Redis pub/sub): after a reconnect, refetch what the view shows
(`sessions`, `conflicts`, `newBookings`, `availableSlots`) and subscribe again.

Each payload's root object is built once per event for every subscriber of this process that
asks the same (`live.shared`), and carries its delivery (`delivery`, private) so that the
response to the same document and variables for the same viewer is resolved once too
(schema.lean_execution).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from domain.events import BookingReceived, ConflictsChanged, IntakeResolved, SessionChanged
from domain.intervals import Interval
from domain.live import Delivery
from resolvers import calendar, live
from resolvers.global_ids import encode
from schema.calendar import ConflictPair
from schema.clients import Client
from schema.common import RangeStart
from schema.cost import SESSIONS_PER_DAY, bound
from schema.enums import described
from schema.sessions import Session

TO = Annotated[datetime, strawberry.argument(description="Range end (exclusive); at most 62 days.")]


@described(
    "What happened to a session.",
    CREATED="A new session (booked, scheduled by hand or made by a series).",
    UPDATED="Details changed (not the time).", MOVED="The start or end changed.",
    CANCELLED="The session was cancelled.", UNCANCELLED="A cancelled session was restored.",
    DELETED="The session is gone (e.g. its intake client was rejected); only its ID is sent.",
)
class CalendarChangeKind(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    MOVED = "MOVED"
    CANCELLED = "CANCELLED"
    UNCANCELLED = "UNCANCELLED"
    DELETED = "DELETED"


@strawberry.type(description="A start and end (UTC).")
class TimeSpan:
    start: datetime = strawberry.field(description="Start instant (UTC).")
    end: datetime = strawberry.field(description="End instant (UTC).")


@strawberry.type(description="One session changed in the subscribed range.")
class CalendarChange:
    kind: CalendarChangeKind = strawberry.field(description="What happened.")
    session_id: strawberry.ID = strawberry.field(description="The session's global ID.")
    session: Session | None = strawberry.field(
        description="The session as `sessions` reads it now; null when DELETED."
    )
    before: TimeSpan | None = strawberry.field(description="Where it was (null when just created).")
    after: TimeSpan | None = strawberry.field(
        description="Where it is (null when cancelled or deleted: it no longer takes time)."
    )
    delivery: strawberry.Private[Delivery | None] = None


@strawberry.type(description="Overlaps that appeared and cleared in the subscribed range.")
class ConflictsUpdate:
    appeared: list[ConflictPair] = strawberry.field(
        description="New overlapping pairs. Cost: counted as 10.", metadata=bound(items=10))
    cleared: list[ConflictPair] = strawberry.field(
        description="Pairs that no longer overlap. Cost: counted as 10.", metadata=bound(items=10))
    deleted_session_ids: list[strawberry.ID] = strawberry.field(
        description="Sessions this change deleted (a rejected intake, an ended series) that were in "
        "conflict with a session in the range: every pair holding one of them has cleared (such "
        "pairs cannot be listed in `cleared`, one side no longer exists). Cost: counted as 10.",
        metadata=bound(items=10),
    )
    delivery: strawberry.Private[Delivery | None] = None


@described(
    "What happened in the New bookings queue.",
    RECEIVED="A new booking arrived from the public page.",
    ACCEPTED="An intake client was accepted (now active).",
    REJECTED="An intake client was rejected (removed with its sessions).",
    MERGED="An intake client was merged into an existing client.",
)
class BookingEventKind(Enum):
    RECEIVED = "RECEIVED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    MERGED = "MERGED"


@strawberry.type(description="A new booking, or an intake action taken (so open tabs stay in step).")
class BookingEvent:
    kind: BookingEventKind = strawberry.field(description="What happened.")
    client_id: strawberry.ID = strawberry.field(description="The intake client's global ID.")
    client: Client | None = strawberry.field(
        description="The client now (null once rejected or merged away)."
    )
    into_client: Client | None = strawberry.field(description="For MERGED: the active client.")
    delivery: strawberry.Private[Delivery | None] = None


@strawberry.type(description="A booking page's slots changed. Nothing about who or why.")
class AvailabilityChange:
    username: str = strawberry.field(description="The booking page.")
    event_type_id: strawberry.ID = strawberry.field(description="The event type subscribed to.")
    days: list[str] | None = strawberry.field(
        description="Local dates (therapist's zone, YYYY-MM-DD) whose slots may have changed; null "
        "when any day may have (hours, event type or profile edited). Refetch `availableSlots`."
    )
    delivery: strawberry.Private[Delivery | None] = None


def _span(value: tuple[datetime, datetime] | None) -> TimeSpan | None:
    return TimeSpan(start=value[0], end=value[1]) if value else None


def _gid(kind: str, raw: UUID) -> strawberry.ID:
    return strawberry.ID(encode(kind, raw))


async def _session(info: strawberry.Info, session_id: UUID) -> Session | None:
    found = await info.context.loaders.session_by_id.load(session_id)
    return Session.from_domain(found) if found else None


async def _calendar_change(info: strawberry.Info, delivery: Delivery) -> CalendarChange:
    event: SessionChanged = delivery.event  # type: ignore[assignment]
    kind = CalendarChangeKind(event.kind)
    return CalendarChange(
        kind=kind,
        session_id=_gid("Session", event.session_id),
        session=None if kind is CalendarChangeKind.DELETED else await _session(info, event.session_id),
        before=_span(event.before),
        after=_span(event.after),
        delivery=delivery,
    )


async def _conflicts_update(info: strawberry.Info, delivery: Delivery, start: datetime,
                            end: datetime) -> ConflictsUpdate | None:
    event: ConflictsChanged = delivery.event  # type: ignore[assignment]
    appeared = await _pairs(info, event.appeared, start, end)
    gone: list[strawberry.ID] = []
    cleared = await _pairs(info, event.cleared, start, end, gone)
    if not (appeared or cleared or gone):
        return None
    return ConflictsUpdate(appeared=appeared, cleared=cleared, deleted_session_ids=gone,
                           delivery=delivery)


async def _booking_event(info: strawberry.Info, delivery: Delivery) -> BookingEvent:
    event = delivery.event
    loaders = info.context.loaders
    if isinstance(event, BookingReceived):
        kind, into = BookingEventKind.RECEIVED, None
    else:
        assert isinstance(event, IntakeResolved)
        kind, into = BookingEventKind(event.action), event.into_client_id
    client = await loaders.client_by_id.load(event.client_id)
    into_client = await loaders.client_by_id.load(into) if into else None
    return BookingEvent(
        kind=kind,
        client_id=_gid("Client", event.client_id),
        client=Client.from_domain(client) if client else None,
        into_client=Client.from_domain(into_client) if into_client else None,
        delivery=delivery,
    )


@strawberry.type(
    description="Live updates over websockets (graphql-transport-ws; the token goes in the "
    "connection_init payload). Delivery is at most once: after any reconnect (network, deploy, an "
    "OVERFLOW error) refetch what the view shows, then subscribe again — events in between are "
    "not replayed."
)
class Subscription:
    @strawberry.subscription(
        description="Every session created, updated, moved, cancelled, uncancelled or deleted in "
        "[from, to) — by a mutation, a public booking (CREATED), an intake action (accept or "
        "merge: UPDATED, its client changed; reject: DELETED), a series start, stop or extension, "
        "or a client's cancel in the portal — whichever process made it. A time-zone change moves "
        "no session and sends nothing here. Signed-in therapists only; ends when the token signs "
        "out. After a reconnect, refetch `sessions(from, to)`. Cost (checked when subscribing): "
        "16 per day of the range, times what each change selects, as for `sessions`.",
        metadata=bound(per_day=SESSIONS_PER_DAY),
    )
    async def calendar_changed(
        self, info: strawberry.Info, from_: RangeStart, to: TO
    ) -> AsyncGenerator[CalendarChange, None]:
        calendar.check_range(from_, to)
        async for delivery in live.therapist_events(info.context, (SessionChanged,)):
            if not live.in_range(delivery.event, from_, to):  # type: ignore[arg-type]
                continue
            yield await live.shared(delivery, "calendarChanged",
                                    lambda d=delivery: _calendar_change(info, d))

    @strawberry.subscription(
        description="Conflicts that appeared or cleared with at least one session in [from, to), "
        "from every change `calendarChanged` reports (deleted sessions: `deletedSessionIds`). "
        "After a reconnect, refetch `conflicts(from, to)`. Cost (checked when subscribing): one "
        "update and what it selects (its pair lists count 10 each)."
    )
    async def conflicts_changed(
        self, info: strawberry.Info, from_: RangeStart, to: TO
    ) -> AsyncGenerator[ConflictsUpdate, None]:
        calendar.check_range(from_, to)
        async for delivery in live.therapist_events(info.context, (ConflictsChanged,)):
            update = await live.shared(delivery, ("conflictsChanged", from_, to),
                                       lambda d=delivery: _conflicts_update(info, d, from_, to))
            if update is not None:
                yield update

    @strawberry.subscription(
        description="New bookings for the New bookings queue, and intake actions (accepted, "
        "rejected, merged). Signed-in therapists only. After a reconnect, refetch `newBookings`."
    )
    async def booking_received(self, info: strawberry.Info) -> AsyncGenerator[BookingEvent, None]:
        kinds = (BookingReceived, IntakeResolved)
        async for delivery in live.therapist_events(info.context, kinds):
            yield await live.shared(delivery, "bookingReceived",
                                    lambda d=delivery: _booking_event(info, d))

    @strawberry.subscription(
        description="Public: a booking page learns that its slots changed (a booking, time off, "
        "hours or event type edited, a waitlist hold begun or ended) and which days. No sign-in; "
        "carries no personal data. After a reconnect, refetch `availableSlots`."
    )
    async def availability_changed(
        self,
        info: strawberry.Info,
        username: Annotated[str, strawberry.argument(description="The booking page's username.")],
        event_type_id: Annotated[strawberry.ID, strawberry.argument(description="The event type shown.")],
    ) -> AsyncGenerator[AvailabilityChange, None]:
        pages = live.booking_page_events(info.context, username, event_type_id)
        async for delivery, days, page_username in pages:
            yield AvailabilityChange(username=page_username, event_type_id=event_type_id, days=days,
                                     delivery=delivery)


async def _pairs(
    info: strawberry.Info, pairs: tuple[tuple[UUID, UUID], ...], start: datetime, end: datetime,
    gone: list[strawberry.ID] | None = None,
) -> list[ConflictPair]:
    """The pairs with a session in range (the conflict rule's overlap, `Interval.overlaps`); a
    pair whose other side was deleted adds that side's ID to `gone` (when given) instead."""
    found = []
    window = Interval(start, end)
    for first_id, second_id in pairs:
        first, second = await _session(info, first_id), await _session(info, second_id)
        present = [s for s in (first, second) if s is not None]
        if not any(Interval(s.start, s.end).overlaps(window) for s in present):
            continue
        if first is not None and second is not None:
            found.append(ConflictPair(first=first, second=second))
        elif gone is not None:
            missing = _gid("Session", second_id if second is None else first_id)
            if missing not in gone:
                gone.append(missing)
    return found
