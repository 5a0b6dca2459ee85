"""Which sessions of one therapist overlap: a therapist can be in only one session at a time.

Overlap is `Interval.overlaps` (half-open), so back-to-back sessions never conflict and
cancelled sessions free their time. Ids must be unique: a repeated id is an upstream bug.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from domain.intervals import Interval

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Timed(Generic[K]):
    """Anything with an id that occupies an interval (a session, a block, a hold)."""

    id: K
    interval: Interval
    cancelled: bool = False


def _order(item: Timed[K]) -> tuple[datetime, str]:
    """Sort key that makes pair order and list order deterministic: start, then str(id)."""
    return item.interval.start, str(item.id)


def _overlapping_pairs(items: list[Timed[K]]) -> list[tuple[Timed[K], Timed[K]]]:
    """Sweep by start keeping a min-heap of active items by end; O(n log n + conflicts)."""
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate ids in conflict check")
    live = sorted((item for item in items if not item.cancelled), key=_order)
    active: list[tuple[datetime, int, Timed[K]]] = []
    pairs: list[tuple[Timed[K], Timed[K]]] = []
    for seq, item in enumerate(live):
        # Starts only grow, so anything ended by this start can never overlap again.
        while active and active[0][0] <= item.interval.start:
            heapq.heappop(active)
        for _, _, other in active:
            if other.interval.overlaps(item.interval):
                pairs.append((other, item))
        heapq.heappush(active, (item.interval.end, seq, item))
    pairs.sort(key=lambda pair: (_order(pair[0]), _order(pair[1])))
    return pairs


def find_conflicts(items: Iterable[Timed[K]]) -> list[tuple[K, K]]:
    """Every overlapping pair once, as (earlier, later) ids, in chronological order.

    Within a pair the earlier start comes first (ties: smaller str(id)); the list is
    sorted by (first start, first str(id), second start, second str(id)).
    """
    return [(a.id, b.id) for a, b in _overlapping_pairs(list(items))]


def conflicting_ids(items: Iterable[Timed[K]]) -> dict[K, set[K]]:
    """For every given item (cancelled ones included, with no partners) the ids it overlaps."""
    items = list(items)
    return partners([item.id for item in items], find_conflicts(items))


def partners(ids: Iterable[K], pairs: Iterable[tuple[K, K]]) -> dict[K, set[K]]:
    """For every id the ids it overlaps, from the pairs `find_conflicts` found among them."""
    result: dict[K, set[K]] = {i: set() for i in ids}
    for a, b in pairs:
        result[a].add(b)
        result[b].add(a)
    return result


def conflicts_of(subject: Timed[K], others: Iterable[Timed[K]]) -> list[tuple[K, K]]:
    """The pairs `subject` forms with the others it overlaps, ordered as `find_conflicts` orders
    them (earlier first within a pair; pairs chronological). A cancelled subject has none."""
    if subject.cancelled:
        return []
    found = [
        tuple(sorted((subject, other), key=_order))
        for other in others
        if not other.cancelled and other.id != subject.id and other.interval.overlaps(subject.interval)
    ]
    found.sort(key=lambda pair: (_order(pair[0]), _order(pair[1])))
    return [(a.id, b.id) for a, b in found]


def conflict_diff(
    before: Iterable[tuple[K, K]], after: Iterable[tuple[K, K]]
) -> tuple[list[tuple[K, K]], list[tuple[K, K]]]:
    """(appeared, cleared) conflicts between two checks.

    Pairs are compared unordered because a move can swap which session starts first; each pair
    keeps the order it has in the check it comes from (appeared as after, cleared as before:
    a cleared conflict is reported as it was), and the lists keep their checks' order.
    """
    before, after = list(before), list(after)
    old = {frozenset(pair) for pair in before}
    new = {frozenset(pair) for pair in after}
    return (
        [pair for pair in after if frozenset(pair) not in old],
        [pair for pair in before if frozenset(pair) not in new],
    )
