"""The root Query."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry

from domain.event_types import COMMON_LENGTHS
from resolvers import booking, clients, nodes
from schema.booking import AvailableSlot, BookingPage
from schema.clients import Client, ClientConnection, ClientEdge, PageInfo
from schema.common import Node
from schema.event_types import EventType
from schema.sessions import Session
from schema.therapist import Therapist
from schema.time_off import TimeOff

_NODE_TYPES = {"EventType": EventType, "Client": Client, "Session": Session, "TimeOff": TimeOff}


@strawberry.type(description="Everything you can read.")
class Query:
    @strawberry.field(description="The signed-in therapist. UNAUTHENTICATED without a token.")
    async def me(self, info: strawberry.Info) -> Therapist:
        return Therapist.from_domain(await info.context.therapist(), info)

    @strawberry.field(
        description="Any object by global ID. Another therapist's objects read as null."
    )
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
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
    async def booking_page(self, info: strawberry.Info, username: str) -> BookingPage | None:
        page = await booking.page(info.context, username)
        return BookingPage.from_page(page) if page else None

    @strawberry.field(
        description="Public: bookable start times of an event type in [from, to) (at most 62 "
        "days), shown on the wall clock of `timeZone` (the client's IANA zone). The zone changes "
        "only how times are shown, never which are free. Errors: BAD_USER_INPUT, NOT_FOUND."
    )
    async def available_slots(
        self, info: strawberry.Info, username: str, event_type_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime,
        time_zone: str = "UTC",
    ) -> list[AvailableSlot]:
        starts = await booking.free_slots(
            info.context, username=username, event_type_id=event_type_id, start=from_, end=to,
            time_zone=time_zone,
        )
        zone = ZoneInfo(time_zone)
        return [AvailableSlot.at(start, zone) for start in starts]

    @strawberry.field(description="New bookings: intake clients, oldest first, with their sessions.")
    async def new_bookings(self, info: strawberry.Info) -> list[Client]:
        return [Client.from_domain(c) for c in await clients.new_bookings(info.context)]

    @strawberry.field(
        description="Active clients ordered by last name; `search` matches name or email."
    )
    async def clients(
        self, info: strawberry.Info, first: int = 50, after: str | None = None,
        search: str | None = None,
    ) -> ClientConnection:
        found, has_next = await clients.page(info.context, first=first, after=after, search=search)
        edges = [ClientEdge(cursor=clients.encode_cursor(c), node=Client.from_domain(c)) for c in found]
        return ClientConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
        )

    @strawberry.field(description="One of your clients (intake or active), or null.")
    async def client(self, info: strawberry.Info, id: strawberry.ID) -> Client | None:
        found = await clients.owned(info.context, clients.client_id(id))
        return Client.from_domain(found) if found else None
