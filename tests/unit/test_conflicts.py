"""Conflict detection: examples plus properties checked against a naive O(n^2) oracle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.conflicts import Timed, conflict_diff, conflicting_ids, conflicts_of, find_conflicts
from domain.intervals import Interval

BASE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FAST = settings(deadline=None, max_examples=150)


def at(start_min: int, length_min: int) -> Interval:
    return Interval.of_length(BASE + timedelta(minutes=start_min), length_min)


def order_key(item: Timed) -> tuple[datetime, str]:
    return item.interval.start, str(item.id)


def oracle(items: list[Timed]) -> list[tuple]:
    """Every pair checked directly; the reference the sweep must agree with."""
    live = [i for i in items if not i.cancelled]
    pairs = []
    for x in range(len(live)):
        for y in range(x + 1, len(live)):
            a, b = sorted((live[x], live[y]), key=order_key)
            if a.interval.overlaps(b.interval):
                pairs.append((a, b))
    pairs.sort(key=lambda p: (order_key(p[0]), order_key(p[1])))
    return [(a.id, b.id) for a, b in pairs]


@st.composite
def timed_items(draw, max_size: int = 25) -> list[Timed]:
    n = draw(st.integers(0, max_size))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    return [
        Timed(
            id=i,
            interval=at(
                draw(st.integers(0, 600)),
                draw(st.sampled_from([0, 15, 30, 50, 60, 90])),
            ),
            cancelled=draw(st.booleans()),
        )
        for i in ids
    ]


def test_overlap_and_back_to_back():
    a, b, c = Timed("a", at(0, 60)), Timed("b", at(30, 60)), Timed("c", at(90, 30))
    assert find_conflicts([c, b, a]) == [("a", "b")]  # b-c touch at 90: no conflict


def test_pair_ordered_by_start_then_str_id():
    ids = [uuid.UUID(int=2), uuid.UUID(int=1)]
    items = [
        Timed(ids[0], at(0, 60)),
        Timed(ids[1], at(0, 60)),
        Timed("z", at(-30, 45)),
    ]
    assert find_conflicts(items) == [("z", ids[1]), ("z", ids[0]), (ids[1], ids[0])]


def test_cancelled_frees_time_and_is_listed_without_partners():
    items = [Timed(1, at(0, 60)), Timed(2, at(10, 30), cancelled=True)]
    assert find_conflicts(items) == []
    assert conflicting_ids(items) == {1: set(), 2: set()}


def test_contained_and_identical_intervals():
    items = [Timed(1, at(0, 120)), Timed(2, at(30, 15)), Timed(3, at(0, 120))]
    assert find_conflicts(items) == [(1, 3), (1, 2), (3, 2)]


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError):
        find_conflicts([Timed(1, at(0, 60)), Timed(1, at(200, 60))])


def test_accepts_a_generator_once():
    assert find_conflicts(Timed(i, at(i * 10, 30)) for i in range(3)) == [
        (0, 1),
        (0, 2),
        (1, 2),
    ]


def test_many_back_to_back_sessions():
    items = [Timed(i, at(i * 50, 50)) for i in range(20_000)]
    assert find_conflicts(items) == []


def test_conflict_diff():
    appeared, cleared = conflict_diff([(1, 2), (4, 3)], [(2, 1), (5, 6)])
    assert appeared == [(5, 6)]
    assert cleared == [(4, 3)]  # as it was: a move may have swapped which starts first


def test_conflicts_of_one_session():
    moved, early, late, far = Timed("m", at(30, 60)), Timed("e", at(0, 45)), Timed("l", at(60, 60)), Timed("f", at(200, 30))
    assert conflicts_of(moved, [late, far, early]) == [("e", "m"), ("m", "l")]
    assert conflicts_of(Timed("m", at(30, 60), cancelled=True), [early]) == []
    assert conflicts_of(moved, [Timed("e", at(0, 45), cancelled=True)]) == []


@FAST
@given(timed_items())
def test_matches_naive_oracle(items):
    assert find_conflicts(items) == oracle(items)


@FAST
@given(timed_items())
def test_no_self_pairs_no_duplicates_pairs_ordered(items):
    pairs = find_conflicts(items)
    by_id = {i.id: i for i in items}
    assert all(a != b for a, b in pairs)
    assert len({frozenset(p) for p in pairs}) == len(pairs)
    assert all(order_key(by_id[a]) < order_key(by_id[b]) for a, b in pairs)


@FAST
@given(timed_items())
def test_conflicting_ids_symmetric_and_consistent(items):
    result = conflicting_ids(items)
    assert set(result) == {i.id for i in items}
    for x, partners in result.items():
        assert x not in partners
        assert all(x in result[y] for y in partners)
    assert {frozenset((x, y)) for x, ys in result.items() for y in ys} == {
        frozenset(p) for p in find_conflicts(items)
    }


@FAST
@given(timed_items())
def test_cancelled_never_conflict(items):
    cancelled = {i.id for i in items if i.cancelled}
    assert not any(a in cancelled or b in cancelled for a, b in find_conflicts(items))


@FAST
@given(
    st.lists(st.sampled_from([15, 30, 45, 50, 60]), max_size=30),
    st.randoms(use_true_random=False),
)
def test_back_to_back_chain_never_conflicts(lengths, rnd):
    items, start = [], 0
    for i, length in enumerate(lengths):
        items.append(Timed(i, at(start, length)))
        start += length
    rnd.shuffle(items)
    assert find_conflicts(items) == []


@FAST
@given(timed_items(), timed_items())
def test_conflict_diff_partitions_change(before_items, after_items):
    before, after = find_conflicts(before_items), find_conflicts(after_items)
    appeared, cleared = conflict_diff(before, after)
    assert set(appeared) <= set(after) and set(cleared) <= set(before)  # order kept per check
    appeared_sets, cleared_sets = {frozenset(p) for p in appeared}, {frozenset(p) for p in cleared}
    old, new = {frozenset(p) for p in before}, {frozenset(p) for p in after}
    assert appeared_sets | (old & new) == new
    assert cleared_sets | (old & new) == old
    assert not appeared_sets & old and not cleared_sets & new


@FAST
@given(timed_items(), st.integers(0, 600), st.sampled_from([0, 15, 50, 90]), st.booleans())
def test_conflicts_of_is_find_conflicts_seen_from_one_item(others, start, length, cancelled):
    subject = Timed(-1, at(start, length), cancelled)
    expected = [p for p in find_conflicts([subject, *others]) if -1 in p]
    assert conflicts_of(subject, others) == expected
