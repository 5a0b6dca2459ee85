"""The live event hub: routing by therapist, bounded queues, slow subscribers dropped, others
unaffected; one delivery shared by every subscriber of an event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.event_bus import EventHub
from domain.events import SessionChanged, TimeOffChanged
from domain.live import LiveOverflow

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def time_off(therapist: uuid.UUID, n: int) -> TimeOffChanged:
    return TimeOffChanged(therapist, T0 + timedelta(hours=n), T0 + timedelta(hours=n + 1))


def hour_of(event: TimeOffChanged) -> int:
    return int((event.start - T0).total_seconds() // 3600)


async def test_a_slow_subscriber_is_dropped_and_never_stalls_the_others():
    hub, me = EventHub(), uuid.uuid4()
    slow = hub.listen(maxsize=3, therapist=me)
    fast = hub.listen(maxsize=100, therapist=me)
    picky = hub.listen(lambda e: hour_of(e) % 2 == 0, maxsize=100, therapist=me)
    for n in range(10):
        hub.deliver(time_off(me, n))
    assert [hour_of((await fast.next()).event) for _ in range(10)] == list(range(10))
    assert [hour_of((await picky.next()).event) for _ in range(5)] == [0, 2, 4, 6, 8]
    received = []
    with pytest.raises(LiveOverflow):
        while True:
            received.append((await slow.next()).event)
    assert received == []  # dropped: what it had queued is discarded, it must reconnect and refetch
    for sub in (slow, fast, picky):
        sub.close()
    assert hub.subscriber_count == 0


async def test_subscribers_of_one_therapist_never_receive_another_therapists_events():
    hub, x, y = EventHub(), uuid.uuid4(), uuid.uuid4()
    of_x = [hub.listen(therapist=x) for _ in range(3)]
    of_y = hub.listen(therapist=y)
    asked: list[uuid.UUID] = []
    nosy = hub.listen(lambda e: asked.append(e.therapist_id) or True, therapist=x)
    for n in range(5):
        hub.deliver(time_off(y, n))
    hub.deliver(time_off(x, 7))
    for sub in [*of_x, nosy]:
        only = await sub.next()
        assert only.event.therapist_id == x and hour_of(only.event) == 7
        assert sub._pending == []  # nothing of y's queued behind it
    assert asked == [x]  # y's events never even reached x's filter
    assert [hour_of((await of_y.next()).event) for _ in range(5)] == list(range(5))


async def test_every_subscriber_of_an_event_gets_the_same_delivery():
    hub, me = EventHub(), uuid.uuid4()
    subs = [hub.listen(therapist=me) for _ in range(4)]
    event = SessionChanged(me, uuid.uuid4(), "CREATED", None, (T0, T0 + timedelta(hours=1)))
    hub.deliver(event)
    deliveries = [await sub.next() for sub in subs]
    assert all(d is deliveries[0] for d in deliveries) and deliveries[0].event is event


async def test_closing_twice_is_harmless():
    hub = EventHub()
    async with hub.listen(therapist=uuid.uuid4()) as sub:
        assert hub.subscriber_count == 1
    sub.close()
    assert hub.subscriber_count == 0
    assert hub._by_therapist == {}  # no empty set left behind per therapist who came and went
