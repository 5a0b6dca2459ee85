"""The entities the use cases change. Plain dataclasses; persistence maps them to rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class VisitType(StrEnum):
    TELEHEALTH_AND_IN_PERSON = "TELEHEALTH_AND_IN_PERSON"
    TELEHEALTH_ONLY = "TELEHEALTH_ONLY"
    IN_PERSON_ONLY = "IN_PERSON_ONLY"

    @property
    def allows_in_person(self) -> bool:
        return self is not VisitType.TELEHEALTH_ONLY


class CalendarView(StrEnum):
    MONTH = "MONTH"
    WEEK = "WEEK"


@dataclass(frozen=True, slots=True)
class OfficeAddress:
    street: str
    city: str
    state: str
    zip: str


@dataclass(slots=True)
class Therapist:
    id: UUID
    email: str
    password_hash: str
    display_name: str
    username: str
    time_zone: str
    office_address: OfficeAddress | None
    calendar_view: CalendarView
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TimeSlot:
    """A local wall-clock slot on one weekday, minutes after midnight; end may be 1440."""

    start_minute: int
    end_minute: int


@dataclass(slots=True)
class EventType:
    id: UUID
    therapist_id: UUID
    title: str
    minutes: int
    visit_type: VisitType
    description: str | None
    created_at: datetime
