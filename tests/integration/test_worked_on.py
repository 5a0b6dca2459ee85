"""The SQL of "worked on" (persistence/repositories/sessions.worked_on_clause) agrees with the
rule (domain/worked_on.py) on both backends: ending a series deletes exactly the upcoming
occurrences the rule calls not worked on."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.event_bus import InProcessBus
from domain.model import (
    CalendarView,
    Client,
    ClientStatus,
    EventType,
    Payment,
    Series,
    Session,
    SessionSource,
    SessionStatus,
    SessionVisit,
    Therapist,
    VisitType,
)
from domain.money import ClaimStatus
from domain.worked_on import worked_on
from persistence import migrate
from persistence.database import Database
from persistence.unit_of_work import UnitOfWorkFactory
from tests.support.app import BACKENDS, fresh_database


@pytest.fixture(params=BACKENDS)
async def uow(request, tmp_path_factory):
    cleanups: list = []
    url = fresh_database(request.param, tmp_path_factory, cleanups)
    if request.param == "sqlite":
        await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    yield UnitOfWorkFactory(db, InProcessBus())
    await db.dispose()
    for cleanup in cleanups:
        cleanup()


async def test_ending_a_series_keeps_exactly_the_occurrences_the_rule_calls_worked_on(uow):
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    therapist, client, event_type, series_id = (uuid.uuid4() for _ in range(4))
    cases = list(itertools.product([False, True], [0, 1, 2], list(ClaimStatus)))
    expected_kept: set[uuid.UUID] = set()
    async with uow() as u:
        await u.therapists.add(Therapist(therapist, f"{therapist}@example.com", "x", "Dr T",
                                         f"t-{therapist.hex[:12]}", "Europe/Berlin", None,
                                         CalendarView.WEEK, now))
        await u.event_types.add(EventType(event_type, therapist, "Session", 50,
                                          VisitType.TELEHEALTH_AND_IN_PERSON, None, now))
        await u.clients.add(Client(client, therapist, "Mary Ann", "Okafor", "m@example.com",
                                   None, None, ClientStatus.ACTIVE, now))
        await u.series.add(Series(series_id, therapist, client, event_type, date(2026, 3, 9), 600, 50, 1,
                                  SessionVisit.TELEHEALTH, True, date(2026, 3, 9), now))
        for week, (has_note, payments, claim) in enumerate(cases, start=1):
            start = now + timedelta(weeks=week)
            session = Session(uuid.uuid4(), therapist, client, event_type, start, start + timedelta(minutes=50),
                              SessionVisit.TELEHEALTH, "https://meet.example/x", SessionStatus.SCHEDULED,
                              SessionSource.SERIES, now, claim_status=claim, series_id=series_id,
                              occurrence_date=start.date())
            await u.sessions.add(session)
            if has_note:
                await u.sessions.write_note(session.id, "a note", now)
            for _ in range(payments):
                await u.sessions.add_payment(Payment(uuid.uuid4(), session.id, 1000, "EUR", "card", now))
            if worked_on(has_note=has_note, payment_count=payments, claim_status=claim):
                expected_kept.add(session.id)
        await u.commit()
    async with uow() as u:
        removed = await u.series.delete_upcoming_unworked(series_id, after=now)
        await u.commit()
    async with uow() as u:
        kept = {s.id for s in await u.sessions.of_client(client)}
    assert kept == expected_kept
    assert len(removed) == len(cases) - len(expected_kept) > 0
