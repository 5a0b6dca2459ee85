"""What a change to sessions records: `SessionChanged` per session and `ConflictsChanged` for
the overlaps that appeared or cleared. One session (`record_change`: the calendar's edits, the
portal's cancel) or many at once (`record_many`: series, intake actions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.conflicts import Timed, conflict_diff, conflicts_of, find_conflicts
from domain.events import ConflictsChanged, SessionChanged
from domain.intervals import Interval
from domain.model import Session
from domain.ports.unit_of_work import UnitOfWork

Pair = tuple[UUID, UUID]


@dataclass
class SessionResult:
    """A changed session and the conflicts its change made appear or clear."""

    session: Session
    appeared: list[Pair] = field(default_factory=list)
    cleared: list[Pair] = field(default_factory=list)
    conflicts: list[Session] = field(default_factory=list)  # all overlaps where it now is


async def _overlaps(uow: UnitOfWork, session: Session, interval: Interval | None) -> list[Session]:
    if interval is None:
        return []
    return await uow.sessions.overlapping(session.therapist_id, interval, exclude=session.id)


def _pairs(session: Session, interval: Interval | None, others: list[Session]) -> list[Pair]:
    """The conflicts `session` forms at `interval` (None: it occupies no time)."""
    if interval is None:
        return []
    return conflicts_of(Timed(session.id, interval), [Timed(o.id, o.interval, o.cancelled) for o in others])


async def conflict_change(
    uow: UnitOfWork, session: Session, before: Interval | None, after: Interval | None
) -> SessionResult:
    """Which overlaps appear or clear when `session` goes from `before` to `after` (None: it
    occupies no time); reads only, so a preview can use it too."""
    old = await _overlaps(uow, session, before)
    new = await _overlaps(uow, session, after)
    appeared, cleared = conflict_diff(_pairs(session, before, old), _pairs(session, after, new))
    return SessionResult(session, sorted(appeared), sorted(cleared), new)


async def record_change(
    uow: UnitOfWork, session: Session, kind: str, before: Interval | None, after: Interval | None
) -> SessionResult:
    """Save one changed session, then record `SessionChanged` (`kind`: CREATED, UPDATED, MOVED,
    CANCELLED, UNCANCELLED) and, when overlaps appeared or cleared, `ConflictsChanged`."""
    await uow.sessions.save(session)
    result = await conflict_change(uow, session, before, after)
    uow.record(SessionChanged(session.therapist_id, session.id, kind, _span(before), _span(after)))
    if result.appeared or result.cleared:
        uow.record(ConflictsChanged(session.therapist_id, tuple(result.appeared), tuple(result.cleared)))
    return result


def _span(interval: Interval | None) -> tuple[datetime, datetime] | None:
    return (interval.start, interval.end) if interval else None


def record_many(
    uow: UnitOfWork, changed: list[Session], around: list[Session], *, appeared: bool
) -> list[tuple[UUID, UUID]]:
    """SessionChanged for each of `changed` (CREATED, or DELETED when not `appeared`) and the
    pairs between them and `around` (the sessions that may overlap them) as appeared (or
    cleared) conflicts, per therapist; returns the pairs."""
    changed_ids = {s.id for s in changed}
    by_therapist: dict[UUID, dict[UUID, Session]] = defaultdict(dict)
    for session in [*around, *changed]:
        by_therapist[session.therapist_id][session.id] = session
    found: list[tuple[UUID, UUID]] = []
    for session in changed:
        span = (session.start, session.end)
        uow.record(SessionChanged(session.therapist_id, session.id, "CREATED" if appeared else "DELETED",
                                  None if appeared else span, span if appeared else None))
    for therapist_id, sessions in by_therapist.items():
        pairs = [
            pair for pair in find_conflicts(
                Timed(s.id, s.interval, s.cancelled) for s in sessions.values()
            )
            if changed_ids.intersection(pair)
        ]
        if pairs:
            pairs = sorted(set(pairs))
            uow.record(ConflictsChanged(therapist_id, tuple(pairs) if appeared else (),
                                        () if appeared else tuple(pairs)))
            found += pairs
    return sorted(set(found))


async def record_deleted(uow: UnitOfWork, therapist_id: UUID, removed: list[Session]) -> None:
    """After deleting `removed` (one therapist's): DELETED each, and the conflicts cleared."""
    if not removed:
        return
    span = Interval(min(s.start for s in removed), max(s.end for s in removed))
    record_many(uow, removed, await uow.sessions.overlapping(therapist_id, span), appeared=False)


def record_updated(uow: UnitOfWork, sessions: list[Session]) -> None:
    """UPDATED for sessions whose time did not change (their client did: an intake action)."""
    for s in sessions:
        uow.record(SessionChanged(s.therapist_id, s.id, "UPDATED", (s.start, s.end), (s.start, s.end)))
