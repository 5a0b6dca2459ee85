"""Recurring series: start, change cadence, stop, and extend as time goes on.

An occurrence is keyed by its series and original local date (unique in the database), so
extension never recreates an occurrence that was moved, edited or cancelled, and two workers
extending at once insert each occurrence once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import recurrence
from domain.errors import ErrorCode, RuleViolation
from domain.events import SessionChanged
from domain.intervals import Interval
from domain.model import (
    Client,
    EventType,
    Repeats,
    Series,
    Session,
    SessionSource,
    Therapist,
)
from domain.ports.outside_world import Clock, VideoRooms
from domain.ports.unit_of_work import UnitOfWork
from domain.services.session_events import record_deleted, record_many
from domain.wallclock import local_date, minute_of_day

EXTEND_JOB = "series.extend"


@dataclass(frozen=True)
class SeriesPolicy:
    horizon_days: int = 56  # occurrences exist as sessions this far ahead (8 weeks)


def _occurrence(series: Series, day: date, zone_name: str, rooms: VideoRooms, now: datetime,
                client: Client, event_type: EventType) -> Session:
    start = recurrence.occurrence_start(recurrence.rule_of(series, zone_name), day)
    return Session.new(
        therapist_id=series.therapist_id, client_id=series.client_id, event_type=event_type,
        start=start, minutes=series.length_minutes, visit=series.visit,
        meeting_url=rooms.new_room_url(), source=SessionSource.SERIES, created_at=now,
        client_time_zone=client.time_zone, series_id=series.id, occurrence_date=day,
    )


async def _materialise(
    uow: UnitOfWork, due: Sequence[tuple[Series, str]], rooms: VideoRooms, now: datetime,
    policy: SeriesPolicy,
) -> list[Session]:
    """Create each series' occurrences after `materialised_until` up to the horizon (in its
    therapist's zone), in a few statements for the whole batch; returns those created."""
    clients = await uow.clients.get_many({s.client_id for s, _ in due})
    event_types = await uow.event_types.get_many({s.event_type_id for s, _ in due})
    fresh: list[Session] = []
    advance: dict[date, list[UUID]] = defaultdict(list)
    for series, zone_name in due:
        until = local_date(now, ZoneInfo(zone_name)) + timedelta(days=policy.horizon_days)
        if until <= series.materialised_until:
            continue
        days = recurrence.occurrence_dates(
            recurrence.rule_of(series, zone_name), series.materialised_until + timedelta(days=1), until
        )
        client, event_type = clients[series.client_id], event_types[series.event_type_id]
        fresh += [_occurrence(series, d, zone_name, rooms, now, client, event_type) for d in days]
        advance[until].append(series.id)
        series.materialised_until = until
    created = await uow.series.add_occurrences(fresh) if fresh else []
    for until, ids in advance.items():
        await uow.series.advance(ids, until)
    return created


async def _record_created(uow: UnitOfWork, created: list[Session]) -> list[tuple[UUID, UUID]]:
    """Events for new occurrences (of any therapists) and the overlaps they bring (flagged,
    never refused): `SessionChanged` CREATED each, one `ConflictsChanged` per therapist.
    One statement reads every session the new ones could overlap."""
    if not created:
        return []
    span = Interval(min(s.start for s in created), max(s.end for s in created))
    around = await uow.sessions.overlapping_any({s.therapist_id for s in created}, span)
    return record_many(uow, created, around, appeared=True)


async def begin(
    uow: UnitOfWork, clock: Clock, rooms: VideoRooms, therapist: Therapist, session: Session,
    repeats: Repeats, policy: SeriesPolicy,
) -> tuple[Series, list[tuple[UUID, UUID]]]:
    """Start a series at `session` (its local day and time), inside the caller's transaction.

    The cadence counts from the session's date, but a series never creates sessions dated
    before the therapist's today: history is what happened (a past session made recurring, or
    a new cadence started on a past session, gets occurrences from today on only)."""
    zone = ZoneInfo(therapist.time_zone)
    local = session.start.astimezone(zone)
    now = clock.now()
    yesterday = local_date(now, zone) - timedelta(days=1)
    series = Series(
        id=uuid.uuid4(), therapist_id=therapist.id, client_id=session.client_id,
        event_type_id=session.event_type_id, anchor_date=local.date(),
        start_minute=minute_of_day(local), length_minutes=session.minutes,
        every_weeks=repeats.every_weeks, visit=session.visit, active=True,
        materialised_until=max(local.date(), yesterday), created_at=now,
    )
    await uow.series.add(series)
    session.join_series(series.id, local.date())
    await uow.sessions.save(session)
    created = await _materialise(uow, [(series, therapist.time_zone)], rooms, now, policy)
    appeared = await _record_created(uow, created)
    uow.enqueue(EXTEND_JOB, {"series_id": str(series.id)})
    return series, appeared


async def _end(uow: UnitOfWork, series: Series, now: datetime, *, after: datetime,
               keep: UUID | None = None) -> list[Session]:
    """End a series: upcoming occurrences after `after` go unless worked on; past ones stay.
    Records DELETED for each and the conflicts their removal clears."""
    series.active, series.ended_at = False, now
    await uow.series.save(series)
    removed = await uow.series.delete_upcoming_unworked(series.id, after=max(after, now), keep=keep)
    await record_deleted(uow, series.therapist_id, removed)
    return removed


def _not_found() -> RuleViolation:
    return RuleViolation.one(("sessionId",), ErrorCode.NOT_FOUND, "No such session.")


async def start_repeating(
    uow: UnitOfWork, clock: Clock, rooms: VideoRooms, therapist_id: UUID,
    session_id: UUID | None, repeats: Repeats, policy: SeriesPolicy,
) -> tuple[Session, Series, list[tuple[UUID, UUID]]]:
    """Repeat a session from here on; on a session already in a series, change the cadence
    from this session on (the old series ends here, as `stop_repeating` would end it)."""
    if repeats is Repeats.NONE:
        raise RuleViolation.one(("repeats",), ErrorCode.INVALID, "Choose how often it repeats.")
    async with uow:
        session = await uow.sessions.get(session_id, for_update=True) if session_id else None
        if session is None or session.therapist_id != therapist_id:
            raise _not_found()
        if session.cancelled:
            raise RuleViolation.one(
                ("sessionId",), ErrorCode.SESSION_CANCELLED, "Uncancel the session first."
            )
        therapist = await uow.therapists.get(therapist_id, for_update=True)
        assert therapist is not None
        before = session.interval
        if session.series_id is not None:
            old = await uow.series.get(session.series_id, for_update=True)
            if old is not None and old.active:
                await _end(uow, old, clock.now(), after=session.start, keep=session.id)
        series, appeared = await begin(uow, clock, rooms, therapist, session, repeats, policy)
        # The session itself now belongs to the new series (`recurring`, `series` changed).
        uow.record(SessionChanged(therapist_id, session.id, "UPDATED", (before.start, before.end),
                                  (session.start, session.end)))
        await uow.commit()
    return session, series, appeared


async def stop_repeating(
    uow: UnitOfWork, clock: Clock, therapist_id: UUID, session_id: UUID | None
) -> tuple[Series, list[Session]]:
    """End the session's series: upcoming occurrences are deleted unless worked on (a note, a
    payment or a claim); past ones stay; the series is never extended again."""
    async with uow:
        session = await uow.sessions.get(session_id) if session_id else None
        if session is None or session.therapist_id != therapist_id:
            raise _not_found()
        series = await uow.series.get(session.series_id, for_update=True) if session.series_id else None
        if series is None or not series.active:
            raise RuleViolation.one(
                ("sessionId",), ErrorCode.NOT_IN_SERIES, "This session is not part of an active series."
            )
        removed = await _end(uow, series, clock.now(), after=clock.now())
        await uow.commit()
    return series, removed


async def extend_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, rooms: VideoRooms, policy: SeriesPolicy,
    *, batch: int = 500,
) -> int:
    """Materialise every active series up to the horizon, one transaction per batch.

    Safe to run twice at once or after a crash: occurrences are unique per (series, date), so
    a rerun completes what a killed run left and duplicates nothing. Extension records
    `SessionChanged` for each new occurrence and `ConflictsChanged` for the overlaps they bring
    (live calendars; one extra statement per batch). Returns the number of sessions created.
    """
    total = 0
    while True:
        now = clock.now()
        # due everywhere on Earth: local "today" is at least the UTC date minus one day
        floor = now.date() - timedelta(days=1) + timedelta(days=policy.horizon_days)
        async with uow_factory() as uow:
            due = await uow.series.due(floor, batch)
            created = await _materialise(uow, due, rooms, now, policy)
            await _record_created(uow, created)
            await uow.commit()
        total += len(created)
        if len(due) < batch:
            return total
