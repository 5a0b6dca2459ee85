"""The audit trail's values: who touched which client, session, note or payment, and how.

An entry names people and records only by kind and ID — never a name, email or note text.
A practice is one therapist account; entries with no practice (a failed sign-in to an unknown
account) belong to `NO_PRACTICE`.

Where an entry comes from is edge knowledge (the request's ID and client address, the signed-in
caller, the job running): the edge that starts the work sets `origin` (a context variable, so it
reaches a unit of work created deep inside a resolver or an actor without being passed along).
Changes are derived from the domain events a use case records (`changes_for`), so every use case
that records an event touching a client or session is audited in its own transaction.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.events import DomainEvent, SessionWorkedOn

NO_PRACTICE = UUID(int=0)

# actor kinds
THERAPIST, CLIENT, JOB, ANONYMOUS, SYSTEM = "THERAPIST", "CLIENT", "JOB", "ANONYMOUS", "SYSTEM"
# actions
READ, CHANGE, SIGN_IN, SIGN_IN_FAILED, EXPORT = "READ", "CHANGE", "SIGN_IN", "SIGN_IN_FAILED", "EXPORT"
# subject kinds (a note is identified by its session's ID: a session has one note)
SUBJECT_KINDS = ("client", "session", "note", "payment", "waitlist_entry")


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str
    id: UUID | None = None  # the therapist's or portal client's ID
    name: str | None = None  # a job's name

    @property
    def practice(self) -> UUID | None:
        return self.id if self.kind == THERAPIST else None


MANAGE_LINK = "manage-link"  # the name of a CLIENT actor who came with a manage-booking link
WAITLIST_LINK = "waitlist-link"  # … with a waitlist link: the actor's ID is the waitlist entry's
ANONYMOUS_ACTOR = Actor(ANONYMOUS)
SYSTEM_ACTOR = Actor(SYSTEM)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where work comes from: a request (its ID and client address, and who is signed in —
    asked for late, since a resolver learns it after the request starts), or a job."""

    actor: Callable[[], Actor] = lambda: SYSTEM_ACTOR
    operation: str = ""  # the GraphQL root fields, or the job's name
    request_id: str | None = None
    address: str | None = None


_NO_ORIGIN = Origin()  # frozen: safe to share
origin: contextvars.ContextVar[Origin] = contextvars.ContextVar(
    "couchtime_audit_origin", default=_NO_ORIGIN)


@dataclass(frozen=True, slots=True)
class Entry:
    practice_id: UUID
    at: datetime
    actor: Actor
    action: str
    operation: str
    subjects: tuple[str, ...]  # "kind:uuid", sorted
    request_id: str | None = None
    address: str | None = None


def subject(kind: str, id_: UUID) -> str:
    return f"{kind}:{id_}"


def entry(practice_id: UUID | None, action: str, subjects: Iterable[str], at: datetime,
          source: Origin | None = None, *, actor: Actor | None = None) -> Entry:
    """An entry from the current origin (or the one given)."""
    source = source or origin.get()
    return Entry(
        practice_id=practice_id or NO_PRACTICE, at=at, actor=actor or source.actor(), action=action,
        operation=source.operation[:200], subjects=tuple(sorted(set(subjects))),
        request_id=source.request_id, address=source.address,
    )


def subjects_of(event: DomainEvent) -> set[str]:
    """The clients, sessions and notes an event is about (its `*client_id` / `session_id`)."""
    found: set[str] = set()
    for name in ("client_id", "into_client_id"):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            found.add(subject("client", value))
    session_id = getattr(event, "session_id", None)
    if isinstance(session_id, UUID):
        found.add(subject("session", session_id))
        if isinstance(event, SessionWorkedOn) and event.what == "NOTE":
            found.add(subject("note", session_id))
    return found


def changes_for(events: Sequence[DomainEvent], at: datetime, source: Origin | None = None) -> list[Entry]:
    """One CHANGE entry per practice for a committed unit of work, naming every client,
    session and note its events touched; none when it touched no PHI (hours, event types)."""
    by_practice: dict[UUID, set[str]] = {}
    for event in events:
        touched = subjects_of(event)
        if touched:
            by_practice.setdefault(event.therapist_id, set()).update(touched)
    source = source or origin.get()
    return [entry(practice, CHANGE, touched, at, source) for practice, touched in by_practice.items()]


@dataclass
class Reads:
    """What one response (or one subscription delivery) exposed, collected while it is built,
    with the clients those records belong to (for the log's filter by client)."""

    seen: set[tuple[str, UUID]] = field(default_factory=set)
    clients: set[UUID] = field(default_factory=set)
    operation: str = ""

    def take(self) -> tuple[set[str], set[str]]:
        """("kind:uuid" subjects, client IDs) collected so far; starts afresh."""
        seen, clients = self.seen, self.clients
        self.seen, self.clients = set(), set()
        return {f"{kind}:{id_}" for kind, id_ in seen}, {str(c) for c in clients}


reads: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("couchtime_audit_reads", default=None)


def saw(kind: str, id_: UUID, client: UUID | None = None) -> None:
    """Called where a client, session, note or payment becomes part of a response; `client` is
    whose record it is. Costs a set insert; nothing when no response is being collected."""
    collector = reads.get()
    if collector is not None:
        collector.seen.add((kind, id_))
        if client is not None:
            collector.clients.add(client)
