"""Rows of notifications, reminders and the portal: the email log (idempotency), the
reminder scheduler's query, the portal's repository and read models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import Client, Session, SessionSource, SessionStatus, SessionVisit
from domain.notifications import SessionFactsForEmail
from domain.portal import PortalAccount, PortalInvite
from domain.reminders import Candidate, ReminderSettings
from persistence.database import Database
from persistence.mapping import client_from_row, session_from_row
from persistence.tables.accounts import AuthTokenRow, TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.email_log import EmailSendRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.portal import PortalAccountRow, PortalInviteRow
from persistence.tables.reminders import ReminderSettingsRow
from persistence.tables.sessions import SessionRow

QUEUED, SENDING, SENT, SKIPPED = "queued", "sending", "sent", "skipped"


def _insert(session: AsyncSession):
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


class SqlEmailLog:
    """EmailLog: every call is its own committed transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, kind: str, key: str, now: datetime) -> bool:
        async with self.db.write_session() as session, session.begin():
            inserted = await session.execute(
                _insert(session)(EmailSendRow)
                .values(kind=kind, key=key, state=SENDING, created_at=now)
                .on_conflict_do_nothing(index_elements=["kind", "key"])
                .returning(EmailSendRow.key)
            )
            if inserted.first() is not None:
                return True
            taken = await session.execute(
                update(EmailSendRow)
                .where(EmailSendRow.kind == kind, EmailSendRow.key == key, EmailSendRow.state == QUEUED)
                .values(state=SENDING)
                .returning(EmailSendRow.key)
            )
            return taken.first() is not None

    async def _set(self, kind: str, key: str, **values) -> None:
        async with self.db.write_session() as session, session.begin():
            await session.execute(
                update(EmailSendRow)
                .where(EmailSendRow.kind == kind, EmailSendRow.key == key)
                .values(**values)
            )

    async def sent(self, kind: str, key: str, now: datetime) -> None:
        await self._set(kind, key, state=SENT, sent_at=now)

    async def release(self, kind: str, key: str) -> None:
        await self._set(kind, key, state=QUEUED)

    async def skip(self, kind: str, key: str, now: datetime) -> None:
        async with self.db.write_session() as session, session.begin():
            await session.execute(
                update(EmailSendRow)
                .where(EmailSendRow.kind == kind, EmailSendRow.key == key, EmailSendRow.state == QUEUED)
                .values(state=SKIPPED)
            )


def _settings(row: ReminderSettingsRow | None) -> ReminderSettings:
    if row is None:
        return ReminderSettings()
    return ReminderSettings(row.enabled, row.lead_minutes, row.also_day_before)


def _address(t: TherapistRow) -> str | None:
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
            visit=SessionVisit(s.visit), meeting_url=s.meeting_url, office_address=_address(t),
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
        return _invite(row), email, first_name, therapist_name

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
            return _settings(await session.get(ReminderSettingsRow, therapist_id))


def _invite(row: PortalInviteRow) -> PortalInvite:
    return PortalInvite(row.id, row.client_id, row.created_at, row.expires_at, row.used_at, row.sent_to)


def _account(row: PortalAccountRow) -> PortalAccount:
    return PortalAccount(row.client_id, row.password_hash, row.invited_at, row.accepted_at,
                         row.unsubscribed_at)


class SqlPortal:
    """PortalRepository on a unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account(self, client_id: UUID, *, for_update: bool = False) -> PortalAccount | None:
        stmt = select(PortalAccountRow).where(PortalAccountRow.client_id == client_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return _account(row) if row else None

    async def save_account(self, account: PortalAccount) -> None:
        row = await self.session.get(PortalAccountRow, account.client_id)
        if row is None:
            row = PortalAccountRow(client_id=account.client_id)
            self.session.add(row)
        row.password_hash, row.invited_at = account.password_hash, account.invited_at
        row.accepted_at, row.unsubscribed_at = account.accepted_at, account.unsubscribed_at
        await self.session.flush()

    async def active_accounts_by_email(self, email: str) -> list[PortalAccount]:
        from sqlalchemy import func

        stmt = (
            select(PortalAccountRow)
            .join(ClientRow, ClientRow.id == PortalAccountRow.client_id)
            .where(func.lower(ClientRow.email) == email.lower(), PortalAccountRow.accepted_at.is_not(None))
            .order_by(PortalAccountRow.accepted_at.desc())
        )
        return [_account(r) for r in (await self.session.execute(stmt)).scalars()]

    async def add_invite(self, invite: PortalInvite) -> None:
        self.session.add(PortalInviteRow(id=invite.id, client_id=invite.client_id,
                                         created_at=invite.created_at, expires_at=invite.expires_at,
                                         sent_to=invite.sent_to))
        await self.session.flush()

    async def invite(self, invite_id: UUID, *, for_update: bool = False) -> PortalInvite | None:
        stmt = select(PortalInviteRow).where(PortalInviteRow.id == invite_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return _invite(row) if row else None

    async def use_invites(self, client_id: UUID, at: datetime) -> None:
        await self.session.execute(
            update(PortalInviteRow)
            .where(PortalInviteRow.client_id == client_id, PortalInviteRow.used_at.is_(None))
            .values(used_at=at)
        )

    async def reminder_settings(self, therapist_id: UUID) -> ReminderSettings:
        return _settings(await self.session.get(ReminderSettingsRow, therapist_id))

    async def save_reminder_settings(self, therapist_id: UUID, settings: ReminderSettings) -> None:
        values = {"enabled": settings.enabled, "lead_minutes": settings.lead_minutes,
                  "also_day_before": settings.also_day_before}
        await self.session.execute(
            _insert(self.session)(ReminderSettingsRow)
            .values(therapist_id=therapist_id, **values)
            .on_conflict_do_update(index_elements=["therapist_id"], set_=values)
        )

    async def reserve_emails(self, items: Sequence[tuple[str, str]], now: datetime) -> set[tuple[str, str]]:
        if not items:
            return set()
        result = await self.session.execute(  # executemany with RETURNING ("insertmanyvalues")
            _insert(self.session)(EmailSendRow)
            .on_conflict_do_nothing(index_elements=["kind", "key"])
            .returning(EmailSendRow.kind, EmailSendRow.key),
            [{"kind": k, "key": key, "state": QUEUED, "created_at": now} for k, key in items],
        )
        return {(k, key) for k, key in result.all()}


def portal_of(uow) -> SqlPortal:
    """The PortalRepository of a SQL unit of work (same transaction)."""
    return SqlPortal(uow.session)


# --- read models for the API ---------------------------------------------------------------


async def client_by_token(db: Database, token_hash: str, kind: str, now: datetime) -> Client | None:
    """The signed-in portal client for a live client token (with portal access): one statement."""
    stmt = (
        select(ClientRow)
        .join(AuthTokenRow, AuthTokenRow.subject_id == ClientRow.id)
        .join(PortalAccountRow, PortalAccountRow.client_id == ClientRow.id)
        .where(AuthTokenRow.token_hash == token_hash, AuthTokenRow.kind == kind,
               AuthTokenRow.revoked_at.is_(None), AuthTokenRow.expires_at > now,
               PortalAccountRow.accepted_at.is_not(None))
    )
    async with db.read_session() as session:
        row = (await session.execute(stmt)).scalar_one_or_none()
        return client_from_row(row) if row else None


@dataclass(frozen=True, slots=True)
class PortalSessionRow:
    """A client's session as the portal shows it: with its therapist's zone and office address
    and its event type's title."""

    session: Session
    therapist_zone: str
    event_type_title: str
    office_address: str | None


def _client_sessions(client_id: UUID):
    return (
        select(SessionRow, TherapistRow, EventTypeRow.title)
        .join(TherapistRow, TherapistRow.id == SessionRow.therapist_id)
        .join(EventTypeRow, EventTypeRow.id == SessionRow.event_type_id)
        .where(SessionRow.client_id == client_id)
    )


def _portal_row(row) -> PortalSessionRow:
    s, t, title = row
    return PortalSessionRow(session_from_row(s), t.time_zone, title, _address(t))


async def client_sessions(db: Database, client_id: UUID) -> list[PortalSessionRow]:
    """A client's sessions (cancelled ones too), by start."""
    stmt = _client_sessions(client_id).order_by(SessionRow.start_at)
    async with db.read_session() as session:
        return [_portal_row(row) for row in (await session.execute(stmt)).all()]


async def client_session(db: Database, client_id: UUID, session_id: UUID) -> PortalSessionRow | None:
    """One session of the client (None when it is not theirs)."""
    stmt = _client_sessions(client_id).where(SessionRow.id == session_id)
    async with db.read_session() as session:
        row = (await session.execute(stmt)).one_or_none()
        return _portal_row(row) if row else None


async def therapist_name(db: Database, therapist_id: UUID) -> str | None:
    async with db.read_session() as session:
        row = await session.get(TherapistRow, therapist_id)
        return row.display_name if row else None


async def forget_email_log(db: Database) -> None:  # tests and benches only
    async with db.write_session() as session, session.begin():
        await session.execute(delete(EmailSendRow))


async def portal_accounts(db: Database, client_ids: Sequence[UUID]) -> dict[UUID, PortalAccount]:
    """The portal accounts of many clients in one statement (Client.portalStatus)."""
    stmt = select(PortalAccountRow).where(PortalAccountRow.client_id.in_(list(client_ids)))
    async with db.read_session() as session:
        return {row.client_id: _account(row) for row in (await session.execute(stmt)).scalars()}
