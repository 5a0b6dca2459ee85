"""Rows to domain values and back; the only place that knows both shapes."""

from __future__ import annotations

from datetime import date

from domain.intervals import Interval
from domain.model import (
    CalendarView,
    CancelledBy,
    Client,
    ClientStatus,
    EventType,
    OfficeAddress,
    Payment,
    Series,
    Session,
    SessionSource,
    SessionStatus,
    SessionVisit,
    Therapist,
    TimeOff,
    VisitType,
)
from domain.money import ClaimStatus
from persistence.tables.accounts import TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.series import SeriesRow
from persistence.tables.sessions import PaymentRow, SessionRow
from persistence.tables.time_off import TimeOffRow


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
        created_at=row.created_at, booking_horizon_days=row.booking_horizon_days,
        locale=row.locale or "en_US",
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
    row.booking_horizon_days = t.booking_horizon_days
    row.locale = t.locale
    return row


def event_type_from_row(row: EventTypeRow) -> EventType:
    return EventType(
        id=row.id, therapist_id=row.therapist_id, title=row.title, minutes=row.minutes,
        visit_type=VisitType(row.visit_type), description=row.description,
        created_at=row.created_at, slot_interval_minutes=row.slot_interval_minutes,
        deleted=row.deleted_at is not None, price_cents=row.price_cents, currency=row.currency,
        buffer_before_minutes=row.buffer_before_minutes or 0,
        buffer_after_minutes=row.buffer_after_minutes or 0, min_notice_minutes=row.min_notice_minutes,
        max_per_day=row.max_per_day, booking_window_days=row.booking_window_days,
        name_in_emails=bool(row.name_in_emails),
    )


def event_type_to_row(e: EventType, row: EventTypeRow | None = None) -> EventTypeRow:
    row = row or EventTypeRow(id=e.id, therapist_id=e.therapist_id, created_at=e.created_at)
    row.title, row.minutes, row.visit_type = e.title, e.minutes, e.visit_type.value
    row.description = e.description
    row.slot_interval_minutes = e.slot_interval_minutes
    row.price_cents, row.currency = e.price_cents, e.currency
    row.buffer_before_minutes, row.buffer_after_minutes = e.buffer_before_minutes, e.buffer_after_minutes
    row.min_notice_minutes, row.max_per_day = e.min_notice_minutes, e.max_per_day
    row.booking_window_days = e.booking_window_days
    row.name_in_emails = e.name_in_emails
    return row


def client_from_row(row: ClientRow) -> Client:
    return Client(
        id=row.id, therapist_id=row.therapist_id, first_name=row.first_name,
        last_name=row.last_name, email=row.email, phone=row.phone, time_zone=row.time_zone,
        status=ClientStatus(row.status), created_at=row.created_at,
    )


def client_to_row(c: Client, row: ClientRow | None = None) -> ClientRow:
    row = row or ClientRow(id=c.id, therapist_id=c.therapist_id, created_at=c.created_at)
    row.first_name, row.last_name, row.email = c.first_name, c.last_name, c.email
    row.phone, row.time_zone, row.status = c.phone, c.time_zone, c.status.value
    return row


def _members(enum: type) -> dict:
    """Stored value → member: a dict lookup per column of a hot row (the calendar reads 200)
    instead of the enum's call."""
    return {member.value: member for member in enum}


_VISITS, _STATUSES, _SOURCES = _members(SessionVisit), _members(SessionStatus), _members(SessionSource)
_CLAIMS, _CANCELLED_BY = _members(ClaimStatus), _members(CancelledBy)


def session_from_row(row: SessionRow) -> Session:
    occurrence_date, cancelled_by = row.occurrence_date, row.cancelled_by
    return Session(
        id=row.id, therapist_id=row.therapist_id, client_id=row.client_id,
        event_type_id=row.event_type_id, start=row.start_at, end=row.end_at,
        visit=_VISITS[row.visit], meeting_url=row.meeting_url,
        status=_STATUSES[row.status], source=_SOURCES[row.source],
        created_at=row.created_at, client_time_zone=row.client_time_zone,
        cancel_reason=row.cancel_reason, notify_client=row.notify_client,
        fee_cents=row.fee_cents, fee_currency=row.fee_currency,
        claim_status=_CLAIMS[row.claim_status], series_id=row.series_id,
        occurrence_date=occurrence_date if not isinstance(occurrence_date, str)
        else date.fromisoformat(occurrence_date),
        cancelled_by=_CANCELLED_BY[cancelled_by] if cancelled_by else None,
        cancelled_at=row.cancelled_at,
    )


def session_to_row(s: Session, row: SessionRow | None = None) -> SessionRow:
    if row is not None and (row.start_at, row.end_at, row.status) != (s.start, s.end, s.status.value):
        row.ics_sequence = (row.ics_sequence or 0) + 1  # the calendar invite's SEQUENCE
    row = row or SessionRow(id=s.id, therapist_id=s.therapist_id, created_at=s.created_at)
    row.client_id, row.event_type_id = s.client_id, s.event_type_id
    row.start_at, row.end_at, row.visit = s.start, s.end, s.visit.value
    row.meeting_url, row.status, row.source = s.meeting_url, s.status.value, s.source.value
    row.client_time_zone, row.cancel_reason = s.client_time_zone, s.cancel_reason
    row.notify_client, row.fee_cents, row.fee_currency = s.notify_client, s.fee_cents, s.fee_currency
    row.claim_status = s.claim_status.value
    row.series_id, row.occurrence_date = s.series_id, s.occurrence_date
    row.cancelled_by = s.cancelled_by.value if s.cancelled_by else None
    row.cancelled_at = s.cancelled_at
    return row


def series_from_row(row: SeriesRow) -> Series:
    return Series(
        id=row.id, therapist_id=row.therapist_id, client_id=row.client_id,
        event_type_id=row.event_type_id, anchor_date=row.anchor_date,
        start_minute=row.start_minute, length_minutes=row.length_minutes,
        every_weeks=row.every_weeks, visit=SessionVisit(row.visit), active=row.active,
        materialised_until=row.materialised_until, created_at=row.created_at,
        ended_at=row.ended_at,
    )


def series_to_row(s: Series, row: SeriesRow | None = None) -> SeriesRow:
    row = row or SeriesRow(id=s.id, therapist_id=s.therapist_id, created_at=s.created_at)
    row.client_id, row.event_type_id, row.anchor_date = s.client_id, s.event_type_id, s.anchor_date
    row.start_minute, row.length_minutes = s.start_minute, s.length_minutes
    row.every_weeks, row.visit, row.active = s.every_weeks, s.visit.value, s.active
    row.materialised_until, row.ended_at = s.materialised_until, s.ended_at
    return row


def payment_from_row(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id, session_id=row.session_id, amount_cents=row.amount_cents,
        currency=row.currency, method=row.method, recorded_at=row.recorded_at,
    )


def time_off_from_row(row: TimeOffRow) -> TimeOff:
    return TimeOff(
        id=row.id, therapist_id=row.therapist_id, start_date=row.start_date,
        end_date=row.end_date, all_day=row.all_day, start_minute=row.start_minute,
        end_minute=row.end_minute, reason=row.reason,
        interval=Interval(row.starts_at, row.ends_at), created_at=row.created_at,
    )


def time_off_to_row(t: TimeOff) -> TimeOffRow:
    return TimeOffRow(
        id=t.id, therapist_id=t.therapist_id, start_date=t.start_date, end_date=t.end_date,
        all_day=t.all_day, start_minute=t.start_minute, end_minute=t.end_minute,
        reason=t.reason, starts_at=t.interval.start, ends_at=t.interval.end,
        created_at=t.created_at,
    )
