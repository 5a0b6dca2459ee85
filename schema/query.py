"""The root Query."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry

from domain.event_types import COMMON_LENGTHS
from domain.services.sessions import PreviewReschedule
from resolvers import booking, calendar, clients, global_ids, nodes
from resolvers.use_cases import run
from schema import audit as audit_schema
from schema import manage_booking as manage_schema
from schema import portal as portal_schema
from schema import waitlist as waitlist_schema
from schema import webhooks as webhooks_schema
from schema.audit import AuditEventConnection
from schema.booking import AvailableSlot, BookingPage
from schema.calendar import ConflictPair, ReschedulePreview, conflict_change
from schema.clients import Client, ClientConnection
from schema.common import (
    CalendarView,
    Node,
    PageAfter,
    PageSize,
    RangeEnd,
    RangeStart,
    UserError,
    user_errors,
)
from schema.cost import SESSIONS_PER_DAY, SLOTS_PER_DAY, bound
from schema.event_types import EventType
from schema.manage_booking import ManagedBooking
from schema.portal import MySessions
from schema.sessions import Session
from schema.therapist import Therapist
from schema.time_off import TimeOff
from schema.webhooks import WebhookDeliveryConnection, WebhookEndpoint

_NODE_TYPES = {"EventType": EventType, "Client": Client, "Session": Session, "TimeOff": TimeOff,
               "WaitlistEntry": waitlist_schema.WaitlistEntry}


@strawberry.type(description="Everything you can read.")
class Query:
    @strawberry.field(description="The signed-in therapist. UNAUTHENTICATED without a token.")
    async def me(self, info: strawberry.Info) -> Therapist:
        return Therapist.from_domain(await info.context.therapist(), info)

    @strawberry.field(
        description="Any object by global ID. Another therapist's objects read as null."
    )
    async def node(
        self, info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(
            description="A global ID as returned in any `id` field; needs a sign-in."
        )],
    ) -> Node | None:
        found = await nodes.resolve(info.context, id)
        if found is None:
            return None
        type_name, value = found
        if type_name == "Therapist":
            return Therapist.from_domain(value, info)  # type: ignore[arg-type]
        return _NODE_TYPES[type_name].from_domain(value)  # type: ignore[attr-defined]

    @strawberry.field(description="Session lengths most practices use, as a hint for forms.")
    def common_session_lengths(self) -> list[int]:
        return list(COMMON_LENGTHS)

    @strawberry.field(
        description="Public: a therapist's booking page (profile and event types); null when "
        "there is no such username. No sign-in needed."
    )
    async def booking_page(
        self, info: strawberry.Info,
        username: Annotated[str, strawberry.argument(
            description="The therapist's booking-page username; case-insensitive."
        )],
    ) -> BookingPage | None:
        page = await booking.page(info.context, username)
        return BookingPage.from_page(page) if page else None

    @strawberry.field(
        description="Public: bookable start times of an event type in [from, to) (at most 62 "
        "days), shown on the wall clock of `timeZone` (the client's IANA zone). The zone changes "
        "only how times are shown, never which are free. Every start is at least 30 minutes "
        "ahead of now, whatever its date. Hours that open inside a spring-forward gap open when "
        "the gap ends (02:30 on that day means 03:00). Errors: BAD_USER_INPUT, NOT_FOUND. "
        "Cost: 288 per day of the range (one start every 5 minutes, the smallest interval).",
        metadata=bound(per_day=SLOTS_PER_DAY),
    )
    async def available_slots(
        self, info: strawberry.Info,
        username: Annotated[str, strawberry.argument(
            description="The therapist's booking-page username; case-insensitive."
        )],
        event_type_id: Annotated[strawberry.ID, strawberry.argument(
            description="ID of one of that page's event types (see `bookingPage`); else NOT_FOUND."
        )],
        from_: Annotated[datetime, strawberry.argument(
            name="from", description="Start of the range (inclusive): an ISO 8601 instant with offset."
        )],
        to: Annotated[datetime, strawberry.argument(
            description="End of the range (exclusive), with offset: after `from`, at most 62 days later."
        )],
        time_zone: Annotated[str, strawberry.argument(
            description="IANA zone for the `local*` fields, e.g. Europe/London; an unknown zone is "
            "BAD_USER_INPUT."
        )] = "UTC",
    ) -> list[AvailableSlot]:
        starts = await booking.free_slots(
            info.context, username=username, event_type_id=event_type_id, start=from_, end=to,
            time_zone=time_zone,
        )
        zone = ZoneInfo(time_zone)
        return [AvailableSlot.at(start, zone) for start in starts]

    @strawberry.field(description="Public: the session a manage-booking link (in every booking "
                      "confirmation) is for. Errors: INVALID_MANAGE_LINK (altered, another session's, "
                      "or sent to an address the client no longer has), MANAGE_LINK_EXPIRED (the "
                      "session has ended). Audited as that client.")
    async def managed_booking(
        self, info: strawberry.Info, token: manage_schema.TokenArgument
    ) -> ManagedBooking:
        return await manage_schema.managed_booking(info, token)

    @strawberry.field(description="Public: the time a waitlist claim link holds, as its client sees it. "
                      "Errors: INVALID_WAITLIST_LINK. Audited as that client.")
    async def waitlist_offer(
        self, info: strawberry.Info, token: waitlist_schema.TokenArgument
    ) -> waitlist_schema.WaitlistOffer:
        return await waitlist_schema.waitlist_offer(info, token)

    @strawberry.field(description="Client portal: your own sessions (upcoming and past), times in your zone. "
                      "Needs a portal token (clientSignIn); UNAUTHENTICATED otherwise.")
    async def my_sessions(self, info: strawberry.Info) -> MySessions:
        return await portal_schema.my_sessions(info)

    @strawberry.field(description="New bookings: intake clients, oldest first, with their sessions; "
                      f"the oldest {clients.MAX_NEW_BOOKINGS}. Cost: {clients.MAX_NEW_BOOKINGS}, times "
                      "what each selects.", metadata=bound(items=clients.MAX_NEW_BOOKINGS),
                      deprecation_reason="Use `newBookingsConnection`: it pages, so no booking is cut off.")
    async def new_bookings(self, info: strawberry.Info) -> list[Client]:
        return [Client.from_domain(c) for c in await clients.new_bookings(info.context)]

    @strawberry.field(
        description="New bookings: intake clients in the order they booked, oldest first (Relay "
        "connection). Cost: `first`, times what each client selects.",
        metadata=bound(page="first", max=clients.MAX_PAGE),
    )
    async def new_bookings_connection(
        self, info: strawberry.Info,
        first: PageSize = 50,
        after: PageAfter = None,
    ) -> ClientConnection:
        found, has_next = await clients.new_bookings_page(info.context, first=first, after=after)
        return ClientConnection.of(found, has_next=has_next, after=after)

    @strawberry.field(
        description="Active clients ordered by last name; `search` matches name or email. Cost: "
        "`first`, times what each client selects.",
        metadata=bound(page="first", max=clients.MAX_PAGE),
    )
    async def clients(
        self, info: strawberry.Info,
        first: PageSize = 50,
        after: PageAfter = None,
        search: Annotated[str | None, strawberry.argument(
            description="Case-insensitive text to find in the full name, last name or email "
            "(first 100 characters used)."
        )] = None,
    ) -> ClientConnection:
        found, has_next = await clients.page(info.context, first=first, after=after, search=search)
        return ClientConnection.of(found, has_next=has_next, after=after)

    @strawberry.field(description="One of your clients (intake or active), or null.")
    async def client(
        self, info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The client's global ID.")],
    ) -> Client | None:
        found = await clients.owned(info.context, clients.client_id(id))
        return Client.from_domain(found) if found else None

    @strawberry.field(
        description="The signed-in therapist's sessions overlapping [from, to) (at most 62 days: a "
        "month view with its spill-over weeks fits), by start, cancelled ones included. Each carries "
        "its conflict flag. Errors: BAD_USER_INPUT for an inverted or too long range. Cost: counted "
        "as 16 sessions per day of the range (62 days: 992), times what each session selects.",
        metadata=bound(per_day=SESSIONS_PER_DAY),
    )
    async def sessions(
        self, info: strawberry.Info,
        from_: RangeStart,
        to: RangeEnd,
    ) -> list[Session]:
        found = await calendar.load(info.context, from_, to)
        return [Session.from_domain(s, found.known[s.id]) for s in found.sessions]

    @strawberry.field(
        description="Overlapping pairs of scheduled sessions with at least one in [from, to) "
        "(at most 62 days), by the first one's start. Cost: counted as 16 pairs per day of the "
        "range, times what each pair selects.",
        metadata=bound(per_day=SESSIONS_PER_DAY),
    )
    async def conflicts(
        self, info: strawberry.Info,
        from_: RangeStart,
        to: RangeEnd,
    ) -> list[ConflictPair]:
        found = await calendar.load(info.context, from_, to)
        known = found.known
        return [ConflictPair(first=Session.from_domain(a, known[a.id]),
                             second=Session.from_domain(b, known[b.id]))
                for a, b in found.pairs]

    @strawberry.field(
        description="Where a dragged session would land and what it would overlap, for the drop "
        "indicator. Changes nothing; uses the same rule as `rescheduleSession`."
    )
    async def reschedule_preview(
        self, info: strawberry.Info,
        session_id: Annotated[strawberry.ID, strawberry.argument(description="The dragged session.")],
        target: Annotated[str, strawberry.argument(
            description="As in RescheduleSessionInput.target.")],
        view: Annotated[CalendarView, strawberry.argument(  # type: ignore[valid-type]
            description="WEEK or MONTH.")],
    ) -> ReschedulePreviewResult:
        drop = PreviewReschedule(global_ids.decode_as(session_id, "Session"), view, target)
        outcome = await run(info.context, drop)
        if outcome.value is None:
            return ReschedulePreviewResult(preview=None, user_errors=user_errors(outcome.errors))
        result = outcome.value
        return ReschedulePreviewResult(
            preview=ReschedulePreview(
                start=result.session.start, end=result.session.end,
                conflicts=[Session.from_domain(s) for s in result.conflicts],
                change=await conflict_change(info, result),
            ),
            user_errors=[],
        )

    audit_events: AuditEventConnection = strawberry.field(
        resolver=audit_schema.audit_events,
        description="The signed-in therapist's audit log: every read and change of the practice's "
        "clients, sessions, notes and payments, and sign-ins, newest first (Relay connection; kept "
        "for the retention the server is set to, six years by default). Reading it is not itself "
        "logged. UNAUTHENTICATED without a therapist token. Cost: `first` (1–100) events, each "
        "counted with its subjects.",
        metadata=bound(page="first", max=100),
    )

    webhook_endpoints: list[WebhookEndpoint] = strawberry.field(
        resolver=webhooks_schema.webhook_endpoints,
        description="The signed-in therapist's webhook endpoints, oldest first. UNAUTHENTICATED "
        "without a therapist token. Cost: counted as 10 (at most 10 endpoints).",
        metadata=bound(items=10),
    )
    webhook_deliveries: WebhookDeliveryConnection = strawberry.field(
        resolver=webhooks_schema.webhook_deliveries,
        description="The record of webhook deliveries (status, attempts, last response code), newest "
        "first (Relay connection). UNAUTHENTICATED without a therapist token. Cost: `first` (1–100).",
        metadata=bound(page="first", max=100),
    )


@strawberry.type(description="The preview, or why the session cannot be dragged there.")
class ReschedulePreviewResult:
    preview: ReschedulePreview | None = strawberry.field(
        description="Where it would land; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="E.g. SESSION_CANCELLED, NOT_FOUND, INVALID target; empty on success."
    )
