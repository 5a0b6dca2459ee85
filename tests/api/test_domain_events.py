"""Domain events leave only after commit, and a refused change publishes nothing."""

from __future__ import annotations

from domain.events import ConflictsChanged, SessionChanged
from tests.support.calendar import CANCEL, RESCHEDULE, create, practice


async def test_events_follow_commits_only(api):
    token, therapist, event_type, client = await practice(api)
    heard = []

    async def listen(event):
        heard.append(event)

    unsubscribe = api.runtime.bus.subscribe(listen)
    try:
        a = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
        b = (await create(api, token, client, event_type, "2026-03-03T15:30:00Z"))["session"]
        mine = [e for e in heard if isinstance(e, SessionChanged | ConflictsChanged)]
        assert [type(e).__name__ for e in mine] == ["SessionChanged", "SessionChanged", "ConflictsChanged"]
        assert [e.kind for e in mine if isinstance(e, SessionChanged)] == ["CREATED", "CREATED"]
        heard.clear()
        await api.gql(CANCEL, {"i": {"sessionId": a["id"]}}, token=token)
        assert [type(e).__name__ for e in heard] == ["SessionChanged", "ConflictsChanged"]
        assert heard[0].kind == "CANCELLED" and heard[1].cleared and not heard[1].appeared
        heard.clear()
        refused = (await api.gql(RESCHEDULE, {"i": {"sessionId": a["id"], "target": "2026-03-09", "view": "MONTH"}},
                                 token=token))["rescheduleSession"]
        assert refused["userErrors"][0]["code"] == "SESSION_CANCELLED"
        assert heard == []  # rolled back: nothing published
        await api.gql(RESCHEDULE, {"i": {"sessionId": b["id"], "target": "2026-03-09", "view": "MONTH"}}, token=token)
        assert [e.kind for e in heard] == ["MOVED"]
        assert heard[0].before[0].isoformat() == "2026-03-03T15:30:00+00:00"
    finally:
        unsubscribe()
