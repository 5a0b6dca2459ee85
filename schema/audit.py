"""The practice's audit log as the therapist reads it (README: "Audit log")."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from domain.audit import WAITLIST_LINK
from resolvers import audit as audit_log
from resolvers import global_ids
from resolvers.errors import bad_request
from schema.clients import PageInfo
from schema.common import PageAfter, PageSize
from schema.cost import bound
from schema.enums import described


@described(
    "Who did it.",
    THERAPIST="The practice's therapist, signed in.", CLIENT="A client in the portal.",
    JOB="A background job (`actorJob` names it).", ANONYMOUS="Nobody signed in (e.g. a failed sign-in).",
    SYSTEM="Couchtime itself, with no signed-in user or named job behind it.",
)
class AuditActorKind(Enum):
    THERAPIST = "THERAPIST"
    CLIENT = "CLIENT"
    JOB = "JOB"
    ANONYMOUS = "ANONYMOUS"
    SYSTEM = "SYSTEM"


@described(
    "What kind of access.",
    READ="PHI was shown to the actor.", CHANGE="A record was created, changed or deleted.",
    SIGN_IN="A successful sign-in.", SIGN_IN_FAILED="A failed sign-in to an account of the practice.",
    EXPORT="Records were exported (reserved: nothing records it yet).",
)
class AuditAction(Enum):
    READ = "READ"
    CHANGE = "CHANGE"
    SIGN_IN = "SIGN_IN"
    SIGN_IN_FAILED = "SIGN_IN_FAILED"
    EXPORT = "EXPORT"


@described(
    "The kind of record touched.",
    CLIENT="A client record.", SESSION="A session.", NOTE="A session's note.",
    PAYMENT="A payment of a session.", WAITLIST_ENTRY="A waitlist entry (who waits for a time).",
)
class AuditSubjectKind(Enum):
    CLIENT = "client"
    SESSION = "session"
    NOTE = "note"
    PAYMENT = "payment"
    WAITLIST_ENTRY = "waitlist_entry"


_TYPE_OF = {"client": "Client", "session": "Session", "note": "Session", "payment": "Payment",
            "waitlist_entry": "WaitlistEntry"}


@strawberry.type(description="One record an audit event touched, by kind and ID (never its content).")
class AuditSubject:
    kind: AuditSubjectKind = strawberry.field(description="Client, session, note or payment.")
    id: strawberry.ID = strawberry.field(
        description="Its global ID. A note is named by its session's ID (a session has one note)."
    )


@strawberry.type(description="One entry of the practice's audit log: who touched which records, "
                 "how and when. It never holds names, emails or note text.")
class AuditEvent:
    at: datetime = strawberry.field(description="When (UTC).")
    action: AuditAction = strawberry.field(description="READ, CHANGE, SIGN_IN, SIGN_IN_FAILED or EXPORT.")
    operation: str = strawberry.field(
        description="The GraphQL operation type and root fields (\"query sessions,conflicts\") or the "
        "job's name; never arguments."
    )
    actor_kind: AuditActorKind = strawberry.field(description="Therapist, portal client, job, anonymous.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="The therapist's or portal client's global ID; null for jobs and anonymous callers."
    )
    actor_job: str | None = strawberry.field(description="The job's name, when a job did it.")
    subjects: list[AuditSubject] = strawberry.field(
        description="The records touched. Cost: counted as 100 (a month-view read touches a few hundred).",
        metadata=bound(items=100),
    )
    request_id: str | None = strawberry.field(description="The request's X-Request-ID (as in the logs).")
    client_address: str | None = strawberry.field(description="The caller's network address.")
    linked: bool = strawberry.field(
        description="True once chained into the tamper-evident hash chain (within seconds)."
    )

    @classmethod
    def of(cls, row) -> AuditEvent:
        subjects = []
        for item in row.subjects.split():
            kind, _, raw = item.partition(":")
            if kind in _TYPE_OF:
                subjects.append(AuditSubject(kind=AuditSubjectKind(kind),
                                             id=strawberry.ID(global_ids.encode(_TYPE_OF[kind], UUID(raw)))))
        actor_type = {"THERAPIST": "Therapist", "CLIENT": "Client"}.get(row.actor_kind)
        if row.actor_name == WAITLIST_LINK:
            actor_type = "WaitlistEntry"  # who waits is not (yet) a client
        return cls(
            at=row.at, action=AuditAction(row.action), operation=row.operation,
            actor_kind=AuditActorKind(row.actor_kind),
            actor_id=strawberry.ID(global_ids.encode(actor_type, row.actor_id))
            if actor_type and row.actor_id else None,
            actor_job=row.actor_name, subjects=subjects, request_id=row.request_id,
            client_address=row.address, linked=row.seq is not None,
        )


@strawberry.type(description="An audit event and its cursor.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Opaque position; pass as `after` to continue after it.")
    node: AuditEvent = strawberry.field(description="The event.")


@strawberry.type(description="The practice's audit log, newest first (in the order entries were "
                 "recorded; `at` of entries recorded within the same few milliseconds may be out of step).")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(
        description="This page's events, newest first. Cost: counted by the connection's `first`.",
        metadata=bound(items=1),
    )
    page_info: PageInfo = strawberry.field(description="Whether more follow, and where to continue.")


async def audit_events(
    info: strawberry.Info,
    first: PageSize = 50,
    after: PageAfter = None,
    client_id: Annotated[strawberry.ID | None, strawberry.argument(
        description="Only events about this client: the client itself, or its sessions, notes and "
        "payments.")] = None,
    from_: Annotated[datetime | None, strawberry.argument(
        name="from", description="Only events at or after this instant.")] = None,
    to: Annotated[datetime | None, strawberry.argument(
        description="Only events before this instant.")] = None,
) -> AuditEventConnection:
    raw_client = None
    if client_id is not None:
        raw_client = global_ids.decode_as(client_id, "Client")
        if raw_client is None:
            raise bad_request("clientId is not a client's ID.")
    rows, has_next = await audit_log.events(info.context, first=first, after=after, client_id=raw_client,
                                            start=from_, end=to)
    edges = [AuditEventEdge(cursor=audit_log.encode_cursor(r.id), node=AuditEvent.of(r)) for r in rows]
    page_info = PageInfo.of([e.cursor for e in edges], has_next=has_next, after=after)
    return AuditEventConnection(edges=edges, page_info=page_info)
