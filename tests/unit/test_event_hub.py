"""The live event hub: bounded queues, slow subscribers dropped, others unaffected."""

from __future__ import annotations

import pytest

from adapters.event_bus import EventHub
from domain.live import LiveOverflow


async def test_a_slow_subscriber_is_dropped_and_never_stalls_the_others():
    hub = EventHub()
    slow = hub.listen(lambda m: True, maxsize=3)
    fast = hub.listen(lambda m: True, maxsize=100)
    picky = hub.listen(lambda m: m["n"] % 2 == 0, maxsize=100)
    for n in range(10):
        hub.deliver({"n": n})
    assert [(await fast.next())["n"] for _ in range(10)] == list(range(10))
    assert [(await picky.next())["n"] for _ in range(5)] == [0, 2, 4, 6, 8]
    received = []
    with pytest.raises(LiveOverflow):
        while True:
            received.append((await slow.next())["n"])
    assert received == []  # dropped: what it had queued is discarded, it must reconnect and refetch
    for sub in (slow, fast, picky):
        sub.close()
    assert hub.subscriber_count == 0


async def test_closing_twice_is_harmless():
    hub = EventHub()
    async with hub.listen(lambda m: True) as sub:
        assert hub.subscriber_count == 1
    sub.close()
    assert hub.subscriber_count == 0
