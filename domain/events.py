"""Domain events, all of them: facts recorded in a unit of work and published only after it
commits (the bus, live calendars, the outbox's job rules, the audit trail read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, slots=True)
class DomainEvent:
    therapist_id: UUID


@dataclass(frozen=True, slots=True)
class TherapistSignedUp(DomainEvent):
    pass


@dataclass(frozen=True, slots=True)
class ProfileUpdated(DomainEvent):
    pass


@dataclass(frozen=True, slots=True)
class AccountChanged(DomainEvent):
    """A setting on the therapist's own row changed that no other event announces (the default
    calendar view): processes that keep the signed-in therapist in memory drop it."""


@dataclass(frozen=True, slots=True)
class AvailabilityChanged(DomainEvent):
    weekdays: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EventTypeChanged(DomainEvent):
    event_type_id: UUID
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class TimeOffChanged(DomainEvent):
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class BookingReceived(DomainEvent):
    """A client booked from the public page: an intake client and a session now exist."""

    session_id: UUID
    client_id: UUID
    event_type_id: UUID
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class WaitlistHoldChanged(DomainEvent):
    """A waitlist hold began (`held`) or ended unclaimed (expired, released): the booking page's
    slots at that time changed. A claim is its session's `SessionChanged`. Times only."""

    start: datetime
    end: datetime
    held: bool


@dataclass(frozen=True, slots=True)
class IntakeResolved(DomainEvent):
    """An intake client was accepted, rejected or merged into an active client."""

    client_id: UUID
    action: str  # ACCEPTED | REJECTED | MERGED
    into_client_id: UUID | None = None
    freed: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True, slots=True)
class ClientChanged(DomainEvent):
    client_id: UUID


@dataclass(frozen=True, slots=True)
class SessionChanged(DomainEvent):
    """A session was created, updated, moved, cancelled, uncancelled or deleted.

    `before`/`after` are its (start, end) before and after, None where it did not exist, so
    a live calendar can tell which days to redraw.
    """

    session_id: UUID
    kind: str  # CREATED | UPDATED | MOVED | CANCELLED | UNCANCELLED | DELETED
    before: tuple[datetime, datetime] | None
    after: tuple[datetime, datetime] | None


@dataclass(frozen=True, slots=True)
class ConflictsChanged(DomainEvent):
    """Pairs of session ids whose overlap appeared or cleared because of one change."""

    appeared: tuple[tuple[UUID, UUID], ...]
    cleared: tuple[tuple[UUID, UUID], ...]


@dataclass(frozen=True, slots=True)
class SessionWorkedOn(DomainEvent):
    """A note, payment or claim was recorded: the session now counts as worked on."""

    session_id: UUID
    what: str  # NOTE | PAYMENT | CLAIM


@dataclass(frozen=True, slots=True)
class ClientCancelledSession(DomainEvent):
    """A client cancelled one of their sessions: in the portal, or with the manage link."""

    session_id: UUID
    via_link: bool = False


@dataclass(frozen=True, slots=True)
class SessionRestored(DomainEvent):
    """The therapist uncancelled a session whose client knew it was cancelled (they were told,
    or cancelled it themselves): the client hears it is back on."""

    session_id: UUID


@dataclass(frozen=True, slots=True)
class PortalInviteCreated(DomainEvent):
    """A portal invite was issued (and earlier ones voided); its email goes out after commit."""

    invite_id: UUID
    client_id: UUID


@dataclass(frozen=True, slots=True)
class SignedOut(DomainEvent):
    """A token was revoked: live subscriptions opened with it must stop."""

    token_hash: str
