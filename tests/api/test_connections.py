"""Relay connections: complete PageInfo, opaque cursors without personal data, page-size errors."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

from tests.support.calendar import create, practice

CLIENTS = """query($first: Int, $after: String) { clients(first: $first, after: $after) {
  edges { cursor node { id firstName lastName } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
CREATE_CLIENT = """mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } userErrors { code } } }"""
SESSIONS = """query($id: ID!, $first: Int!, $after: String) { client(id: $id) {
  sessions(first: $first, after: $after) { edges { cursor node { id start } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""
AUDIT = """query($first: Int!, $after: String) { auditEvents(first: $first, after: $after) {
  edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
# Seeded names: distinctive, with shared last names so the keyset's tie-breaks are exercised.
NAMES = [("Quirinus", "Vandermolen"), ("Eleftheria", "Abernathy"), ("Ottoline", "Vandermolen"),
         ("Bartholomew", "Abernathy"), ("Marisol", "Kowalczyk"), ("Ignatius", "Zabriskie"),
         ("Philippa", "Kowalczyk")]
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _decoded(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8", "replace")


def _assert_no_names(cursors: list[str], words: list[str]) -> None:
    for cursor in cursors:
        for text in (cursor, _decoded(cursor)):
            assert not any(word.lower() in text.lower() for word in words), (cursor, text)


def _error(body: dict) -> tuple[str, str | None]:
    error = body["errors"][0]
    return error["extensions"]["code"], error["extensions"].get("field")


async def _seeded(api) -> str:
    token, _ = await api.sign_up()
    for first, last in NAMES:
        made = (await api.gql(CREATE_CLIENT, {"i": {"firstName": first, "lastName": last,
                                                    "email": f"{first.lower()}@example.org"}}, token=token))
        assert made["createClient"]["userErrors"] == []
    return token


async def test_client_cursors_carry_no_names_and_pages_return_every_client_once_in_order(api):
    token = await _seeded(api)
    seen, cursors, after, pages = [], [], None, 0
    while True:
        page = (await api.gql(CLIENTS, {"first": 2, "after": after}, token=token))["clients"]
        info, pages = page["pageInfo"], pages + 1
        assert info["hasPreviousPage"] is (after is not None)
        assert info["startCursor"] == page["edges"][0]["cursor"]
        assert info["endCursor"] == page["edges"][-1]["cursor"]
        seen += [(e["node"]["lastName"], e["node"]["firstName"], e["node"]["id"]) for e in page["edges"]]
        cursors += [e["cursor"] for e in page["edges"]] + [info["startCursor"], info["endCursor"]]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == 4
    assert [(last, first) for last, first, _ in seen] == sorted((last, first) for first, last in NAMES)
    assert len({node_id for _, _, node_id in seen}) == len(NAMES)
    _assert_no_names(cursors, [word for name in NAMES for word in name])


async def test_client_cursor_of_another_practice_or_list_is_refused(api):
    token = await _seeded(api)
    cursor = (await api.gql(CLIENTS, {"first": 1}, token=token))["clients"]["pageInfo"]["endCursor"]
    other, _ = await api.sign_up()
    assert _error(await api.post(CLIENTS, {"first": 5, "after": cursor}, token=other))[0] == "BAD_REQUEST"
    assert _error(await api.post(AUDIT, {"first": 5, "after": cursor}, token=token))[0] == "BAD_REQUEST"
    for garbage in ("garbage", "Y2xpZW50Om5vdC1hLXV1aWQ", "é", "c2Vzc2lvbjox"):
        body = await api.post(CLIENTS, {"first": 5, "after": garbage}, token=token)
        assert _error(body)[0] == "BAD_REQUEST", garbage


async def test_session_cursors_are_ids_and_page_forward(api, clock):
    clock.set(START - timedelta(days=1))
    token, _, event_type, client = await practice(api, time_zone="UTC")
    starts = [START + timedelta(days=d, hours=h) for d, h in ((3, 0), (0, 2), (1, 0), (0, 0), (2, 5))]
    for start in starts:
        assert (await create(api, token, client, event_type, start.isoformat()))["userErrors"] == []
    seen, cursors, after = [], [], None
    while True:
        page = (await api.gql(SESSIONS, {"id": client, "first": 2, "after": after}, token=token))
        page = page["client"]["sessions"]
        info = page["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None) and info["startCursor"] == page["edges"][0]["cursor"]
        seen += [e["node"]["start"] for e in page["edges"]]
        cursors += [e["cursor"] for e in page["edges"]]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert [datetime.fromisoformat(s) for s in seen] == sorted(starts)
    # no name, no date or time. Each probe is one a UUID cannot hold by chance: "2026-03" (a UUID has no
    # two-character group) and a clock time "hh:mm" (the only colon is the type's, after a letter).
    _assert_no_names(cursors, ["Ann", "Lee", "2026-03", "T1"])
    assert not any(re.search(r"\d\d:\d\d", _decoded(cursor)) for cursor in cursors), cursors


async def test_page_size_out_of_range_is_bad_user_input_on_every_connection(api, clock):
    clock.set(START - timedelta(days=1))
    token, _, _, client = await practice(api, time_zone="UTC")
    for first in (0, -1, 101):
        assert _error(await api.post(CLIENTS, {"first": first}, token=token)) == ("BAD_USER_INPUT", "first")
        assert _error(await api.post(AUDIT, {"first": first}, token=token)) == ("BAD_USER_INPUT", "first")
        body = await api.post(SESSIONS, {"id": client, "first": first}, token=token)
        assert _error(body) == ("BAD_USER_INPUT", "first")


async def test_audit_events_page_info_is_complete(api):
    token = await _seeded(api)
    page = (await api.gql(AUDIT, {"first": 2}, token=token))["auditEvents"]
    assert page["pageInfo"]["hasPreviousPage"] is False and page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    nxt = (await api.gql(AUDIT, {"first": 2, "after": after}, token=token))["auditEvents"]
    assert nxt["pageInfo"]["hasPreviousPage"] is True
    assert nxt["pageInfo"]["startCursor"] == nxt["edges"][0]["cursor"] != after
