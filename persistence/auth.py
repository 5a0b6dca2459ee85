"""Bearer-token reads for the API: the signed-in therapist with the token's expiry.

One indexed statement (the primary key of `auth_tokens` joined to `therapists`), used for every
HTTP request and for every operation on a websocket, so that a revoked or expired token stops
working on a socket that is already open.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from domain.model import Therapist
from persistence.database import Database
from persistence.mapping import therapist_from_row
from persistence.tables.accounts import AuthTokenRow, TherapistRow


async def therapist_by_live_token(
    db: Database, token_hash: str, kind: str, now: datetime
) -> tuple[Therapist, datetime] | None:
    """(the therapist, when the token expires) for a live token of `kind`; None otherwise."""
    stmt = (
        select(TherapistRow, AuthTokenRow.expires_at)
        .join(AuthTokenRow, AuthTokenRow.subject_id == TherapistRow.id)
        .where(
            AuthTokenRow.token_hash == token_hash,
            AuthTokenRow.kind == kind,
            AuthTokenRow.revoked_at.is_(None),
            AuthTokenRow.expires_at > now,
        )
    )
    async with db.read_session() as session:
        found = (await session.execute(stmt)).first()
    if found is None:
        return None
    row, expires_at = found
    return therapist_from_row(row), expires_at
