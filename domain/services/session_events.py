"""Events of use cases that create or delete many sessions at once (series, intake actions):
`SessionChanged` per session and `ConflictsChanged` per therapist for the overlaps involved."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from domain.conflicts import Timed, find_conflicts
from domain.events import ConflictsChanged, SessionChanged
from domain.intervals import Interval
from domain.model import Session
from domain.ports.unit_of_work import UnitOfWork


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
