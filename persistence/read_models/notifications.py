"""Reads for notifications: the facts an email needs, the reminder scheduler's query (the
NotificationReads port; each read opens its own read session)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import and_, or_, select

from domain.model import SessionSource, SessionStatus, SessionVisit
from domain.notifications import SessionFactsForEmail
from domain.portal import PortalInvite
from domain.reminders import Candidate, ReminderSettings
from persistence.database import Database
from persistence.repositories.portal import invite_from_row
from persistence.repositories.reminders import settings_from_row
from persistence.tables.accounts import TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.portal import PortalAccountRow, PortalInviteRow
from persistence.tables.reminders import ReminderSettingsRow
from persistence.tables.sessions import SessionRow


def office_address_text(t: TherapistRow) -> str | None:
    """The office address on one line, as emails and the portal print it."""
    parts = [p for p in (t.office_street, t.office_city, t.office_state, t.office_zip) if p]
    return ", ".join(parts) or None


class SqlNotificationReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def session_facts(self, session_id: UUID) -> SessionFactsForEmail | None:
        stmt = (
            select(SessionRow, ClientRow, TherapistRow, PortalAccountRow, EventTypeRow)
            .join(ClientRow, ClientRow.id == SessionRow.client_id)
            .join(TherapistRow, TherapistRow.id == SessionRow.therapist_id)
            .join(EventTypeRow, EventTypeRow.id == SessionRow.event_type_id)
            .outerjoin(PortalAccountRow, PortalAccountRow.client_id == ClientRow.id)
            .where(SessionRow.id == session_id)
        )
        async with self.db.read_session() as session:
            found = (await session.execute(stmt)).first()
        if found is None:
            return None
        s, c, t, p, e = found
        return SessionFactsForEmail(
            session_id=s.id, therapist_id=t.id, client_id=c.id, therapist_name=t.display_name,
            therapist_email=t.email, therapist_zone=t.time_zone, client_first_name=c.first_name,
            client_last_name=c.last_name, client_email=c.email,
            client_zone=s.client_time_zone or c.time_zone, start=s.start_at, end=s.end_at,
            visit=SessionVisit(s.visit), meeting_url=s.meeting_url, office_address=office_address_text(t),
            cancelled=s.status == SessionStatus.CANCELLED.value, notify_client=s.notify_client,
            created_at=s.created_at,
            portal_access=p is not None and p.accepted_at is not None and p.password_hash is not None,
            unsubscribed=p is not None and p.unsubscribed_at is not None,
            therapist_locale=t.locale or "en_US", therapist_username=t.username,
            event_type_title=e.title, name_type=bool(e.name_in_emails), sequence=s.ics_sequence or 0,
            booked_by_client=s.source == SessionSource.BOOKING.value,
        )

    async def invite_facts(self, invite_id: UUID) -> tuple[PortalInvite, str, str, str] | None:
        stmt = (
            select(PortalInviteRow, ClientRow.email, ClientRow.first_name, TherapistRow.display_name)
            .join(ClientRow, ClientRow.id == PortalInviteRow.client_id)
            .join(TherapistRow, TherapistRow.id == ClientRow.therapist_id)
            .where(PortalInviteRow.id == invite_id)
        )
        async with self.db.read_session() as session:
            found = (await session.execute(stmt)).first()
        if found is None:
            return None
        row, email, first_name, therapist_name = found
        return invite_from_row(row), email, first_name, therapist_name

    async def reminder_candidates(self, now: datetime, lookahead: timedelta, day_before: timedelta,
                                  grace: timedelta) -> list[Candidate]:
        """One statement: two range scans on ix_sessions_start_status, joined to the therapist's
        settings and the client's portal account."""
        stmt = (
            select(SessionRow.id, SessionRow.start_at, SessionRow.created_at,
                   ReminderSettingsRow.enabled, ReminderSettingsRow.lead_minutes,
                   ReminderSettingsRow.also_day_before)
            .join(ReminderSettingsRow, and_(ReminderSettingsRow.therapist_id == SessionRow.therapist_id,
                                            ReminderSettingsRow.enabled.is_(True)))
            .join(PortalAccountRow, PortalAccountRow.client_id == SessionRow.client_id)
            .where(
                SessionRow.status == SessionStatus.SCHEDULED.value,
                PortalAccountRow.accepted_at.is_not(None),
                PortalAccountRow.password_hash.is_not(None),
                PortalAccountRow.unsubscribed_at.is_(None),
                or_(
                    and_(SessionRow.start_at > now, SessionRow.start_at <= now + lookahead),
                    and_(ReminderSettingsRow.also_day_before.is_(True),
                         SessionRow.start_at >= now + day_before - grace,
                         SessionRow.start_at <= now + day_before),
                ),
            )
        )
        async with self.db.read_session() as session:
            rows = (await session.execute(stmt)).all()
        return [Candidate(r[0], r[1], r[2], ReminderSettings(r[3], r[4], r[5])) for r in rows]

    async def reminder_settings(self, therapist_id: UUID) -> ReminderSettings:
        async with self.db.read_session() as session:
            return settings_from_row(await session.get(ReminderSettingsRow, therapist_id))
