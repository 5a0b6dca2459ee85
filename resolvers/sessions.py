"""What the calendar's payloads need after a change: fresh loaders, not cached reads."""

from __future__ import annotations

from domain.model import Session, SessionFacts
from resolvers.context import Context


def fresh(ctx: Context, session: Session, facts: SessionFacts | None = None) -> None:
    """After a mutation, what the payload shows must be the new state, not a cached read."""
    loaders = ctx.loaders
    for loader in (loaders.session_by_id, loaders.overlapping_by_session, loaders.facts_by_session,
                   loaders.note_by_session, loaders.payments_by_session, loaders.client_by_id,
                   loaders.sessions_by_client):
        loader.clear_all()
    loaders.session_by_id.prime(session.id, session)
    if facts is not None:
        loaders.facts_by_session.prime(session.id, facts)
