"""Clients, the "New bookings" queue and the client list (a Relay connection)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import audit, matching, model, portal
from resolvers import clients, global_ids
from schema.common import Node, PageAfter, PageSize
from schema.cost import bound
from schema.enums import described
from schema.sessions import Session

if TYPE_CHECKING:
    from resolvers.calendar import Prefetched

ClientStatus = described(
    "INTAKE: booked from the public page, waiting in New bookings; ACTIVE: a client.",
    INTAKE="Booked from the public page; waiting in New bookings to be accepted, rejected or merged.",
    ACTIVE="A client of the practice: accepted from New bookings or added by hand.",
)(model.ClientStatus)

PortalStatus = described(
    "A client's access to the client portal, which decides who gets reminders.",
    NOT_INVITED="Never invited to the portal: gets no reminders.",
    INVITED="Invited, has not set a password yet: gets no reminders.",
    ACTIVE="Has portal access: gets reminders when they are turned on.",
    UNSUBSCRIBED="Has portal access but stopped reminders with the link in one.",
)(portal.PortalStatus)
MatchReason = described(
    "What an intake client shares with an active client.",
    EMAIL="The same email address.", PHONE="The same phone number (digits compared).",
    NAME="The same first and last name.",
)(matching.MatchReason)
SessionWhen = described(
    "Which of a client's sessions to list.",
    ALL="Every session, oldest first.", UPCOMING="Sessions not yet ended, soonest first.",
    PAST="Sessions that have ended, most recent first.",
)(clients.SessionWhen)


@strawberry.type(description="A client of the signed-in therapist. PHI: only the owner sees it.")
class Client(Node):
    first_name: str = strawberry.field(description="1–100 characters.")
    last_name: str = strawberry.field(description="1–100 characters.")
    email: str = strawberry.field(description="Contact email, stored lower-case.")
    phone: str | None = strawberry.field(description="Contact phone as entered; null when none.")
    time_zone: str | None = strawberry.field(description="The client's IANA zone, if known.")
    status: ClientStatus = strawberry.field(  # type: ignore[valid-type]
        description="INTAKE while waiting in New bookings; ACTIVE once accepted or added by hand."
    )
    created_at: datetime = strawberry.field(description="When the record was made (UTC).")
    domain: strawberry.Private[model.Client]

    @strawberry.field(
        description="For an intake client: active clients who may be the same person (same email, "
        "phone or name), to offer mergeIntake; empty for an active client. Cost: counted as 10.",
        metadata=bound(items=matching.MAX_MATCHES),
    )
    async def possible_matches(self, info: strawberry.Info) -> list[ClientMatch]:
        return [ClientMatch(client=Client.from_domain(c), reasons=list(why))
                for c, why in await clients.possible_matches(info.context, self.domain)]

    @strawberry.field(description="Client portal access: who will get reminders (ACTIVE only).")
    async def portal_status(self, info: strawberry.Info) -> PortalStatus:  # type: ignore[valid-type]
        return await clients.portal_status(info.context, self.domain)

    @classmethod
    def from_domain(cls, c: model.Client, known: Prefetched | None = None) -> Client:
        """`known`: from a calendar read, whose sessions share one object per client (each use
        is still a read in the audit log)."""
        audit.saw("client", c.id, c.id)
        if known is not None:
            return known.view(("Client", c.id), lambda: cls.from_domain(c))
        return cls(
            id=strawberry.ID(global_ids.encode("Client", c.id)), first_name=c.first_name,
            last_name=c.last_name, email=c.email, phone=c.phone, time_zone=c.time_zone,
            status=c.status, created_at=c.created_at, domain=c,
        )

    @strawberry.field(description="First and last name.")
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @strawberry.field(
        description="The client's sessions (Relay connection): all oldest first, or only upcoming "
        "(soonest first) or past (most recent first). Cost: `first`, times what each session selects.",
        metadata=bound(page="first", max=clients.MAX_PAGE),
    )
    async def sessions(
        self, info: strawberry.Info,
        first: PageSize,
        after: PageAfter = None,
        when: Annotated[SessionWhen, strawberry.argument(  # type: ignore[valid-type]
            description="ALL (the default), UPCOMING or PAST: a weekly client has hundreds."
        )] = clients.SessionWhen.ALL,
    ) -> SessionConnection:
        found, has_next = await clients.sessions_page(info.context, self.domain, first=first, after=after,
                                                      when=when)
        edges = [SessionEdge(cursor=clients.encode_session_cursor(s), node=Session.from_domain(s))
                 for s in found]
        return SessionConnection(
            edges=edges, nodes=[edge.node for edge in edges],
            page_info=PageInfo.of([e.cursor for e in edges], has_next=has_next, after=after),
        )


@strawberry.type(description="An active client who may be the same person as an intake client.")
class ClientMatch:
    client: Client = strawberry.field(description="The active client.")
    reasons: list[MatchReason] = strawberry.field(  # type: ignore[valid-type]
        description="What they share (one to three). Cost: at most 3.", metadata=bound(items=3))


@strawberry.type(description="A session and its cursor.")
class SessionEdge:
    cursor: str = strawberry.field(
        description="Opaque position of this session; pass as `after` to continue after it."
    )
    node: Session = strawberry.field(description="The session.")


@strawberry.type(description="A client's sessions, oldest first (Relay connection).")
class SessionConnection:
    edges: list[SessionEdge] = strawberry.field(
        description="This page's sessions, in list order. Cost: counted by the connection's `first`.",
        metadata=bound(items=1),
    )
    nodes: list[Session] = strawberry.field(
        description="The same sessions without their cursors (a shortcut for `edges { node }`). "
        "Cost: counted by the connection's `first`.",
        metadata=bound(items=1),
    )
    page_info: PageInfo = strawberry.field(description="Whether more follow, and where to continue.")


@strawberry.type(description="Relay page information. Paging is forward only (`first`/`after`). "
                 "Cursors are opaque and carry no personal data (an item's kind and ID only); a "
                 "cursor whose item has since gone is a BAD_REQUEST error: start from the first page.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for with `after` (items precede it); false on "
        "the first page. Paging is forward only: there is no `last`/`before`."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the next page; null when the page "
        "is empty."
    )

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, after: str | None) -> PageInfo:
        return cls(
            has_next_page=has_next, has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type(description="A client and its cursor.")
class ClientEdge:
    cursor: str = strawberry.field(
        description="Opaque position of this client; pass as `after` to continue after it."
    )
    node: Client = strawberry.field(description="The client.")


@strawberry.type(description="Active clients ordered by last name (Relay connection).")
class ClientConnection:
    edges: list[ClientEdge] = strawberry.field(
        description="This page's clients, in list order. Cost: counted by the connection's `first`.",
        metadata=bound(items=1),
    )
    page_info: PageInfo = strawberry.field(description="Whether more follow, and where to continue.")

    @classmethod
    def of(cls, found: list[model.Client], *, has_next: bool, after: str | None) -> ClientConnection:
        """One page of clients, each with its opaque cursor."""
        edges = [ClientEdge(cursor=clients.encode_cursor(c), node=Client.from_domain(c)) for c in found]
        return cls(edges=edges, page_info=PageInfo.of([e.cursor for e in edges], has_next=has_next,
                                                      after=after))
