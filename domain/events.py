"""Domain events: facts recorded in a unit of work and published only after it commits."""

from __future__ import annotations

from dataclasses import dataclass
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
