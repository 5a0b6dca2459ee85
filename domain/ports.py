"""What the domain needs from outside, as Protocols; persistence and adapters implement them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol, Self
from uuid import UUID

from domain.events import DomainEvent
from domain.model import EventType, Therapist, TimeSlot


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one attempt; None when allowed, else seconds until the window frees."""
        ...


class EventPublisher(Protocol):
    async def publish(self, events: Sequence[DomainEvent]) -> None: ...


class TherapistRepository(Protocol):
    async def get(self, therapist_id: UUID, *, for_update: bool = False) -> Therapist | None: ...

    async def by_email(self, email: str) -> Therapist | None: ...

    async def email_taken(self, email: str) -> bool: ...

    async def username_taken(self, username: str, *, except_id: UUID | None = None) -> bool: ...

    async def add(self, therapist: Therapist) -> None: ...

    async def save(self, therapist: Therapist) -> None: ...


class TokenRepository(Protocol):
    async def add(
        self, *, token_hash: str, kind: str, subject_id: UUID, created_at: datetime,
        expires_at: datetime,
    ) -> None: ...

    async def revoke(self, token_hash: str, at: datetime) -> bool: ...


class AvailabilityRepository(Protocol):
    async def week(self, therapist_id: UUID) -> Mapping[int, Sequence[TimeSlot]]: ...

    async def replace_days(
        self, therapist_id: UUID, days: Mapping[int, Sequence[TimeSlot]]
    ) -> None: ...


class EventTypeRepository(Protocol):
    async def active(self, therapist_id: UUID) -> list[EventType]: ...

    async def get(self, event_type_id: UUID) -> EventType | None: ...

    async def add(self, event_type: EventType) -> None: ...

    async def save(self, event_type: EventType) -> None: ...

    async def delete(self, event_type_id: UUID, at: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One use case's transaction: rolls back unless `commit()` is called; events after commit."""

    therapists: TherapistRepository
    tokens: TokenRepository
    availability: AvailabilityRepository
    event_types: EventTypeRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def commit(self) -> None: ...

    def record(self, event: DomainEvent) -> None: ...
