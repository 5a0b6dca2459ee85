"""Rows to domain values and back; the only place that knows both shapes."""

from __future__ import annotations

from domain.model import CalendarView, EventType, OfficeAddress, Therapist, VisitType
from persistence.tables import EventTypeRow, TherapistRow


def therapist_from_row(row: TherapistRow) -> Therapist:
    address = None
    if row.office_street is not None:
        address = OfficeAddress(
            row.office_street, row.office_city or "", row.office_state or "", row.office_zip or ""
        )
    return Therapist(
        id=row.id, email=row.email, password_hash=row.password_hash,
        display_name=row.display_name, username=row.username, time_zone=row.time_zone,
        office_address=address, calendar_view=CalendarView(row.calendar_view),
        created_at=row.created_at,
    )


def therapist_to_row(t: Therapist, row: TherapistRow | None = None) -> TherapistRow:
    row = row or TherapistRow(id=t.id)
    address = t.office_address
    row.email, row.password_hash = t.email, t.password_hash
    row.display_name, row.username, row.time_zone = t.display_name, t.username, t.time_zone
    row.office_street = address.street if address else None
    row.office_city = address.city if address else None
    row.office_state = address.state if address else None
    row.office_zip = address.zip if address else None
    row.calendar_view = t.calendar_view.value
    row.created_at = t.created_at
    return row


def event_type_from_row(row: EventTypeRow) -> EventType:
    return EventType(
        id=row.id, therapist_id=row.therapist_id, title=row.title, minutes=row.minutes,
        visit_type=VisitType(row.visit_type), description=row.description,
        created_at=row.created_at,
    )


def event_type_to_row(e: EventType, row: EventTypeRow | None = None) -> EventTypeRow:
    row = row or EventTypeRow(id=e.id, therapist_id=e.therapist_id, created_at=e.created_at)
    row.title, row.minutes, row.visit_type = e.title, e.minutes, e.visit_type.value
    row.description = e.description
    return row
