"""Sessions: one appointment of a client with the therapist."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import model
from resolvers import global_ids
from schema.common import Node
from schema.event_types import EventType

if TYPE_CHECKING:
    from schema.clients import Client

SessionVisit = strawberry.enum(model.SessionVisit, description="Where this session takes place.")
SessionStatus = strawberry.enum(model.SessionStatus, description="Scheduled or cancelled.")
SessionSource = strawberry.enum(
    model.SessionSource,
    description="How the session came to be: a public booking, by hand, or a recurring series.",
)


@strawberry.type(description="One appointment on the therapist's calendar.")
class Session(Node):
    start: datetime = strawberry.field(description="Start instant (UTC).")
    end: datetime = strawberry.field(description="End instant (UTC).")
    minutes: int = strawberry.field(description="Length in minutes.")
    visit_type: SessionVisit = strawberry.field(description="Telehealth or in person.")  # type: ignore[valid-type]
    meeting_url: str = strawberry.field(description="The session's video room; every session has one.")
    status: SessionStatus = strawberry.field(description="Scheduled or cancelled.")  # type: ignore[valid-type]
    source: SessionSource = strawberry.field(description="Booking, manual or series.")  # type: ignore[valid-type]
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled (private).")
    client_time_zone: str | None = strawberry.field(
        description="The zone the client booked in, used to show them times."
    )
    domain: strawberry.Private[model.Session]

    @classmethod
    def from_domain(cls, s: model.Session) -> Session:
        return cls(
            id=strawberry.ID(global_ids.encode("Session", s.id)), start=s.start, end=s.end,
            minutes=round((s.end - s.start).total_seconds() / 60), visit_type=s.visit,
            meeting_url=s.meeting_url, status=s.status, source=s.source,
            cancel_reason=s.cancel_reason, client_time_zone=s.client_time_zone, domain=s,
        )

    @strawberry.field(description="The event type booked (kept even if since retired).")
    async def event_type(self, info: strawberry.Info) -> EventType:
        found = await info.context.loaders.event_type_by_id.load(self.domain.event_type_id)
        return EventType.from_domain(found)

    @strawberry.field(description="The client this session is with.")
    async def client(
        self, info: strawberry.Info
    ) -> Annotated[Client, strawberry.lazy("schema.clients")]:
        from schema.clients import Client

        return Client.from_domain(await info.context.loaders.client_by_id.load(self.domain.client_id))
