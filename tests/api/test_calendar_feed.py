"""The ICS feed over real HTTP: a secret, revocable URL per therapist; initials, no notes;
cancelled sessions disappear; one UID per session; ETag / If-None-Match; reads audited."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from icalendar import Calendar

from domain.calendar_feed import session_uid
from resolvers import global_ids
from tests.support.calendar import CANCEL, RESCHEDULE, create, practice

URL = "query { me { calendarFeedUrl } }"
ROTATE = "mutation { rotateCalendarFeed { calendarFeedUrl userErrors { code } } }"
DISABLE = "mutation { disableCalendarFeed { disabled userErrors { code } } }"
NOTE = """mutation($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) { userErrors { code } } }"""
EVENTS = """query { auditEvents(first: 20) { edges { node { action operation actorKind
  subjects { kind id } } } } }"""
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def local(url: str) -> str:
    """The feed URL is on the public app's host (routed to the API): ask the test server."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def fetch(api, url: str, etag: str | None = None):
    return await api.http.get(local(url), headers={"If-None-Match": etag} if etag else {})


def events_of(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): {"summary": str(e["SUMMARY"]), "start": e.decoded("DTSTART"),
                            "description": str(e.get("DESCRIPTION", ""))}
            for e in calendar.walk("VEVENT")}


async def test_feed_lists_sessions_by_initials_and_drops_cancelled_ones(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api)
    assert (await api.gql(URL, token=token))["me"]["calendarFeedUrl"] is None
    rotated = (await api.gql(ROTATE, token=token))["rotateCalendarFeed"]
    assert rotated["userErrors"] == []
    url = rotated["calendarFeedUrl"]
    assert (await api.gql(URL, token=token))["me"]["calendarFeedUrl"] == url
    kept = (await create(api, token, client, event_type, "2026-03-10T14:00:00+00:00"))["session"]
    dropped = (await create(api, token, client, event_type, "2026-03-11T14:00:00+00:00"))["session"]
    note = await api.gql(NOTE, {"i": {"sessionId": kept["id"], "text": "Discussed the divorce"}}, token=token)
    assert note["writeSessionNote"]["userErrors"] == []

    response = await fetch(api, url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "private" in response.headers["cache-control"]
    events = events_of(response.content)
    kept_uid = session_uid(global_ids.decode_as(kept["id"], "Session"))
    dropped_uid = session_uid(global_ids.decode_as(dropped["id"], "Session"))
    assert set(events) == {kept_uid, dropped_uid}
    assert events[kept_uid]["summary"] == "Therapy · A.L."
    assert events[kept_uid]["start"] == datetime(2026, 3, 10, 14, tzinfo=UTC)
    text = response.content.decode().replace("\r\n ", "")  # lines unfolded: each room link whole
    for random_link in (kept["meetingUrl"], dropped["meetingUrl"]):  # random base64: it may spell "Lee"
        text = text.replace(random_link, "")
    assert "Ann" not in text and "Lee" not in text
    assert b"divorce" not in response.content and b"ann@example.com" not in response.content

    etag = response.headers["etag"]
    unchanged = await fetch(api, url, etag)
    assert unchanged.status_code == 304 and unchanged.content == b""

    cancel = await api.gql(CANCEL, {"i": {"sessionId": dropped["id"], "reason": "ill"}}, token=token)
    assert cancel["cancelSession"]["userErrors"] == []
    moved = await api.gql(RESCHEDULE, {"i": {"sessionId": kept["id"], "target": "2026-03-12T15:00:00+00:00", "view": "WEEK"}},
                          token=token)
    assert moved["rescheduleSession"]["userErrors"] == []
    changed = await fetch(api, url, etag)
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    events = events_of(changed.content)
    assert list(events) == [kept_uid]  # the same UID: calendars move the event, not copy it
    assert events[kept_uid]["start"] == datetime(2026, 3, 12, 15, tzinfo=UTC)


async def test_rotating_revokes_the_old_url_and_disabling_revokes_all(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api)
    await create(api, token, client, event_type, "2026-03-10T14:00:00+00:00")
    first = (await api.gql(ROTATE, token=token))["rotateCalendarFeed"]["calendarFeedUrl"]
    assert (await fetch(api, first)).status_code == 200
    second = (await api.gql(ROTATE, token=token))["rotateCalendarFeed"]["calendarFeedUrl"]
    assert second != first
    assert (await fetch(api, first)).status_code == 404
    assert (await fetch(api, second)).status_code == 200
    forged = second[:-3] + ("abc" if not second.endswith("abc") else "xyz")
    assert (await fetch(api, forged)).status_code == 404
    assert (await api.http.get("/calendar-feed.ics")).status_code == 404
    assert (await api.gql(DISABLE, token=token))["disableCalendarFeed"] == {"disabled": True, "userErrors": []}
    assert (await fetch(api, second)).status_code == 404
    assert (await api.gql(URL, token=token))["me"]["calendarFeedUrl"] is None
    assert (await api.gql(DISABLE, token=token))["disableCalendarFeed"]["disabled"] is False


async def test_a_feed_shows_only_its_therapists_sessions_and_reads_are_audited(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api)
    other, _, other_type, other_client = await practice(api)
    mine = (await create(api, token, client, event_type, "2026-03-10T14:00:00+00:00"))["session"]
    await create(api, other, other_client, other_type, "2026-03-10T16:00:00+00:00")
    url = (await api.gql(ROTATE, token=token))["rotateCalendarFeed"]["calendarFeedUrl"]
    response = await fetch(api, url)
    assert list(events_of(response.content)) == [session_uid(global_ids.decode_as(mine["id"], "Session"))]
    await fetch(api, url, response.headers["etag"])  # a 304 exposes nothing new: not audited

    edges = (await api.gql(EVENTS, token=token))["auditEvents"]["edges"]
    reads = [e["node"] for e in edges if e["node"]["operation"] == "calendar feed"]
    assert len(reads) == 1
    assert reads[0]["action"] == "READ" and reads[0]["actorKind"] == "ANONYMOUS"
    assert {"kind": "SESSION", "id": mine["id"]} in reads[0]["subjects"]
    assert {"kind": "CLIENT", "id": client} in reads[0]["subjects"]
    others = (await api.gql(EVENTS, token=other))["auditEvents"]["edges"]
    assert not [e for e in others if e["node"]["operation"] == "calendar feed"]


async def test_old_and_far_sessions_stay_out_of_the_feed(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api)
    await create(api, token, client, event_type, "2025-12-01T14:00:00+00:00")  # 90 days back
    recent = (await create(api, token, client, event_type, "2026-02-01T14:00:00+00:00"))["session"]
    await create(api, token, client, event_type, "2027-04-01T14:00:00+00:00")  # 13 months ahead
    url = (await api.gql(ROTATE, token=token))["rotateCalendarFeed"]["calendarFeedUrl"]
    assert list(events_of((await fetch(api, url)).content)) == [
        session_uid(global_ids.decode_as(recent["id"], "Session"))]
