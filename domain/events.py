"""Domain events: facts recorded in a unit of work and published only after it commits."""

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
class IntakeResolved(DomainEvent):
    """An intake client was accepted, rejected or merged into an active client."""

    client_id: UUID
    action: str  # ACCEPTED | REJECTED | MERGED
    into_client_id: UUID | None = None
    freed: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True, slots=True)
class ClientChanged(DomainEvent):
    client_id: UUID
