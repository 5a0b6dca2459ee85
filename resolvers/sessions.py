"""Calendar mutations and the drag preview: who is asking → domain call → result."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.model import CalendarView, Repeats, Session, SessionFacts, SessionVisit
from domain.money import ClaimStatus
from domain.services import series, sessions
from resolvers import global_ids
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt

TYPE_NAME = "Session"


def series_policy(ctx: Context) -> series.SeriesPolicy:
    return ctx.services.config.series_policy


def session_id(global_id: str) -> UUID | None:
    return global_ids.decode_as(global_id, TYPE_NAME)


async def set_view(ctx: Context, view: CalendarView) -> None:
    me = await ctx.therapist()
    await sessions.set_calendar_view(ctx.services.uow(), me.id, view)


async def create(
    ctx: Context, *, client_id: str, event_type_id: str, start: datetime, visit: SessionVisit | None,
    repeats: Repeats = Repeats.NONE,
) -> Outcome[sessions.SessionResult]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(
        sessions.create(
            s.uow(), s.clock, s.rooms, me.id, client_id=global_ids.decode_as(client_id, "Client"),
            event_type_id=global_ids.decode_as(event_type_id, "EventType"), start=start, visit=visit,
            repeats=repeats, policy=series_policy(ctx),
        )
    )


async def update(ctx: Context, global_id: str, edit: sessions.SessionEdit) -> Outcome[sessions.SessionResult]:
    me = await ctx.therapist()
    return await attempt(sessions.update(ctx.services.uow(), me.id, session_id(global_id), edit))


async def reschedule(
    ctx: Context, global_id: str, target: str, view: CalendarView
) -> Outcome[sessions.SessionResult]:
    me = await ctx.therapist()
    return await attempt(
        sessions.reschedule(ctx.services.uow(), me.id, session_id(global_id), view, target)
    )


async def preview(
    ctx: Context, global_id: str, target: str, view: CalendarView
) -> Outcome[sessions.SessionResult]:
    me = await ctx.therapist()
    return await attempt(sessions.preview(ctx.services.uow(), me.id, session_id(global_id), view, target))


async def write_note(ctx: Context, global_id: str, text: str) -> Outcome[Session]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(sessions.write_note(s.uow(), s.clock, me.id, session_id(global_id), text))


async def record_payment(
    ctx: Context, global_id: str, *, amount_cents: int, currency: str, method: str
) -> Outcome[tuple[Session, SessionFacts]]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(
        sessions.record_payment(
            s.uow(), s.clock, me.id, session_id(global_id), amount_cents=amount_cents,
            currency=currency, method=method,
        )
    )


async def set_claim(ctx: Context, global_id: str, status: ClaimStatus) -> Outcome[Session]:
    me = await ctx.therapist()
    return await attempt(sessions.set_claim_status(ctx.services.uow(), me.id, session_id(global_id), status))


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
