"""The client portal's read models for the API: the signed-in client, their sessions (with the
event type and office address), their therapist's name, portal accounts for Client.portalStatus."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from domain.model import Client, Session
from domain.portal import PortalAccount
from persistence.database import Database
from persistence.mapping import client_from_row, session_from_row
from persistence.read_models.notifications import office_address_text
from persistence.repositories.portal import account_from_row
from persistence.tables.accounts import AuthTokenRow, TherapistRow
from persistence.tables.clients import ClientRow
from persistence.tables.event_types import EventTypeRow
from persistence.tables.portal import PortalAccountRow
from persistence.tables.sessions import SessionRow


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
    return PortalSessionRow(session_from_row(s), t.time_zone, title, office_address_text(t))


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


async def portal_accounts(db: Database, client_ids: Sequence[UUID]) -> dict[UUID, PortalAccount]:
    """The portal accounts of many clients in one statement (Client.portalStatus)."""
    stmt = select(PortalAccountRow).where(PortalAccountRow.client_id.in_(list(client_ids)))
    async with db.read_session() as session:
        return {row.client_id: account_from_row(row) for row in (await session.execute(stmt)).scalars()}
