"""The client portal's read models for the API: the signed-in client, their sessions, their
therapist's name."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from domain.model import Client, Session
from persistence.database import Database
from persistence.mapping import client_from_row, session_from_row
from persistence.tables.accounts import AuthTokenRow, TherapistRow
from persistence.tables.clients import ClientRow
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


def _client_sessions(client_id: UUID):
    return (
        select(SessionRow, TherapistRow.time_zone)
        .join(TherapistRow, TherapistRow.id == SessionRow.therapist_id)
        .where(SessionRow.client_id == client_id)
    )


async def client_sessions(db: Database, client_id: UUID) -> list[tuple[Session, str]]:
    """A client's sessions (cancelled ones too) with their therapist's zone, by start."""
    stmt = _client_sessions(client_id).order_by(SessionRow.start_at)
    async with db.read_session() as session:
        return [(session_from_row(r), tz) for r, tz in (await session.execute(stmt)).all()]


async def client_session(db: Database, client_id: UUID, session_id: UUID) -> tuple[Session, str] | None:
    """One session of the client (None when it is not theirs) with their therapist's zone."""
    stmt = _client_sessions(client_id).where(SessionRow.id == session_id)
    async with db.read_session() as session:
        row = (await session.execute(stmt)).one_or_none()
        return (session_from_row(row[0]), row[1]) if row else None


async def therapist_name(db: Database, therapist_id: UUID) -> str | None:
    async with db.read_session() as session:
        row = await session.get(TherapistRow, therapist_id)
        return row.display_name if row else None
