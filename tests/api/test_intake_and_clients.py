"""The "New bookings" queue (accept, reject, merge) and the client list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from persistence.instrumentation import count_statements
from tests.support.booking import NEW_BOOKINGS, book, slots, therapist_with_hours

MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ACCEPT = """mutation($i: IntakeInput!) { acceptIntake(input: $i) { client { id status } userErrors { field code } } }"""
REJECT = """mutation($i: IntakeInput!) { rejectIntake(input: $i) { removedClientId userErrors { field code } } }"""
MERGE = """mutation($i: MergeIntakeInput!) { mergeIntake(input: $i) {
  client { id firstName sessions(first: 100) { nodes { start } } } userErrors { field code } } }"""
CREATE = """mutation($i: CreateClientInput!) { createClient(input: $i) {
  client { id firstName lastName email phone timeZone status } userErrors { field code } } }"""
UPDATE = """mutation($i: UpdateClientInput!) { updateClient(input: $i) {
  client { id firstName lastName email } userErrors { field code } } }"""
CLIENTS = """query($first: Int, $after: String, $search: String) {
  clients(first: $first, after: $after, search: $search) {
    edges { cursor node { firstName lastName email sessions(first: 10) { nodes { start } } } } pageInfo { hasNextPage endCursor } } }"""


async def _booked(api, clock, n=1):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    found = await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7))
    for i in range(n):
        result = await book(api, therapist["username"], event_type, found[i]["start"], first=f"Intake{i}")
        assert result["userErrors"] == []
    queue = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    return token, therapist, event_type, queue, found


async def test_queue_is_oldest_first_and_accept_makes_an_active_client(api, clock):
    token, _, _, queue, _ = await _booked(api, clock, n=3)
    assert [c["firstName"] for c in queue] == ["Intake0", "Intake1", "Intake2"]
    accepted = (await api.gql(ACCEPT, {"i": {"clientId": queue[0]["id"]}}, token=token))["acceptIntake"]
    assert accepted == {"client": {"id": queue[0]["id"], "status": "ACTIVE"}, "userErrors": []}
    assert [c["firstName"] for c in (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]] == ["Intake1", "Intake2"]
    again = (await api.gql(ACCEPT, {"i": {"clientId": queue[0]["id"]}}, token=token))["acceptIntake"]
    assert again["userErrors"] == [{"field": ["clientId"], "code": "NOT_INTAKE"}]
    listed = (await api.gql(CLIENTS, {"first": 10}, token=token))["clients"]["edges"]
    assert [e["node"]["firstName"] for e in listed] == ["Intake0"]


async def test_reject_removes_client_and_frees_the_slot(api, clock):
    token, therapist, event_type, queue, found = await _booked(api, clock)
    freed = found[0]["start"]
    assert freed not in [s["start"] for s in await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7))]
    result = (await api.gql(REJECT, {"i": {"clientId": queue[0]["id"]}}, token=token))["rejectIntake"]
    assert result == {"removedClientId": queue[0]["id"], "userErrors": []}
    assert (await api.gql(NEW_BOOKINGS, token=token))["newBookings"] == []
    assert freed in [s["start"] for s in await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7))]
    node = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": queue[0]["id"]}, token=token)
    assert node["node"] is None


async def test_merge_moves_sessions_to_the_existing_client(api, clock):
    token, _, _, queue, found = await _booked(api, clock)
    existing = (await api.gql(CREATE, {"i": {"firstName": "Grace", "lastName": "Hopper",
                                             "email": "GRACE@example.com"}}, token=token))["createClient"]["client"]
    assert existing["status"] == "ACTIVE" and existing["email"] == "grace@example.com"
    merged = (await api.gql(MERGE, {"i": {"clientId": queue[0]["id"], "intoClientId": existing["id"]}}, token=token))["mergeIntake"]
    assert merged["userErrors"] == []
    assert merged["client"]["sessions"]["nodes"] == [{"start": found[0]["start"]}]
    assert (await api.gql(NEW_BOOKINGS, token=token))["newBookings"] == []


async def test_intake_actions_refuse_wrong_targets(api, clock):
    token, _, _, queue, _ = await _booked(api, clock, n=2)
    other_token, _ = await api.sign_up()
    intake_a, intake_b = queue[0]["id"], queue[1]["id"]
    # another therapist's client is invisible
    for mutation, variables, name in [
        (ACCEPT, {"clientId": intake_a}, "acceptIntake"),
        (REJECT, {"clientId": intake_a}, "rejectIntake"),
        (MERGE, {"clientId": intake_a, "intoClientId": intake_b}, "mergeIntake"),
    ]:
        result = (await api.gql(mutation, {"i": variables}, token=other_token))[name]
        assert result["userErrors"] == [{"field": ["clientId"], "code": "NOT_FOUND"}], name
    # merging into an intake client is refused
    result = (await api.gql(MERGE, {"i": {"clientId": intake_a, "intoClientId": intake_b}}, token=token))["mergeIntake"]
    assert result["userErrors"] == [{"field": ["intoClientId"], "code": "NOT_ACTIVE"}]
    # an active client is not an intake
    active = (await api.gql(CREATE, {"i": {"firstName": "A", "lastName": "B", "email": "ab@example.com"}}, token=token))["createClient"]["client"]
    result = (await api.gql(REJECT, {"i": {"clientId": active["id"]}}, token=token))["rejectIntake"]
    assert result["userErrors"] == [{"field": ["clientId"], "code": "NOT_INTAKE"}]
    assert len((await api.gql(NEW_BOOKINGS, token=token))["newBookings"]) == 2


async def test_create_and_update_client_validation(api):
    token, _ = await api.sign_up()
    bad = (await api.gql(CREATE, {"i": {"firstName": "", "lastName": "x" * 101, "email": "nope",
                                        "phone": "call me", "timeZone": "Nowhere"}}, token=token))["createClient"]
    assert {(tuple(e["field"]), e["code"]) for e in bad["userErrors"]} == {
        (("firstName",), "REQUIRED"), (("lastName",), "TOO_LONG"), (("email",), "INVALID_EMAIL"),
        (("phone",), "INVALID"), (("timeZone",), "INVALID_TIME_ZONE")}
    assert (await api.gql(CLIENTS, {"first": 10}, token=token))["clients"]["edges"] == []
    made = (await api.gql(CREATE, {"i": {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com",
                                         "phone": "+44 20 7946 0000", "timeZone": "Europe/London"}}, token=token))["createClient"]["client"]
    changed = (await api.gql(UPDATE, {"i": {"clientId": made["id"], "lastName": "Lee-Smith"}}, token=token))["updateClient"]
    assert changed["client"]["lastName"] == "Lee-Smith" and changed["client"]["email"] == "ann@example.com"
    refused = (await api.gql(UPDATE, {"i": {"clientId": made["id"], "email": "broken"}}, token=token))["updateClient"]
    assert refused["userErrors"] == [{"field": ["email"], "code": "INVALID_EMAIL"}]
    other, _ = await api.sign_up()
    hidden = (await api.gql(UPDATE, {"i": {"clientId": made["id"], "lastName": "X"}}, token=other))["updateClient"]
    assert hidden["userErrors"] == [{"field": ["clientId"], "code": "NOT_FOUND"}]
    assert (await api.gql("query($id: ID!) { client(id: $id) { id } }", {"id": made["id"]}, token=other))["client"] is None


async def test_client_list_pages_by_last_name_and_searches(api):
    token, _ = await api.sign_up()
    names = [("Zoe", "Adams"), ("Yan", "Brown"), ("Xia", "Brown"), ("Will", "Clark"), ("Vic", "Davis")]
    for first, last in names:
        await api.gql(CREATE, {"i": {"firstName": first, "lastName": last, "email": f"{first.lower()}@example.org"}}, token=token)
    page1 = (await api.gql(CLIENTS, {"first": 2}, token=token))["clients"]
    assert [(e["node"]["lastName"], e["node"]["firstName"]) for e in page1["edges"]] == [("Adams", "Zoe"), ("Brown", "Xia")]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = (await api.gql(CLIENTS, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, token=token))["clients"]
    assert [e["node"]["firstName"] for e in page2["edges"]] == ["Yan", "Will"]
    page3 = (await api.gql(CLIENTS, {"first": 2, "after": page2["pageInfo"]["endCursor"]}, token=token))["clients"]
    assert [e["node"]["firstName"] for e in page3["edges"]] == ["Vic"] and not page3["pageInfo"]["hasNextPage"]
    found = (await api.gql(CLIENTS, {"first": 10, "search": "BROWN"}, token=token))["clients"]["edges"]
    assert {e["node"]["firstName"] for e in found} == {"Xia", "Yan"}
    found = (await api.gql(CLIENTS, {"first": 10, "search": "will@example"}, token=token))["clients"]["edges"]
    assert [e["node"]["firstName"] for e in found] == ["Will"]
    found = (await api.gql(CLIENTS, {"first": 10, "search": "%"}, token=token))["clients"]["edges"]
    assert found == []
    body = await api.post(CLIENTS, {"first": 2, "after": "garbage"}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_reading_clients_and_queue_takes_constant_statements(api, clock):
    token, _, _, _, _ = await _booked(api, clock, n=2)
    for i in range(8):
        await api.gql(CREATE, {"i": {"firstName": f"C{i}", "lastName": "Same", "email": f"c{i}@example.org"}}, token=token)
    query = """{ newBookings { firstName sessions(first: 10) { nodes { start eventType { title } } } }
      clients(first: 50) { edges { node { firstName sessions(first: 10) { nodes { start eventType { title } } } } } } }"""
    with count_statements(api.runtime.db.engine) as small:
        await api.gql(query, token=token)
    await _more_bookings(api, token)
    with count_statements(api.runtime.db.engine) as large:
        data = await api.gql(query, token=token)
    assert len(data["newBookings"]) >= 4
    # two root fields may batch into one loader call or two: bounded, whatever the row counts
    assert small.count <= 7 and large.count <= 7, large.statements


async def _more_bookings(api, token):
    me = (await api.gql("{ me { username eventTypes { id } } }", token=token))["me"]
    found = await slots(api, me["username"], me["eventTypes"][0]["id"], MONDAY, MONDAY + timedelta(days=7))
    for slot in found[5:8]:
        assert (await book(api, me["username"], me["eventTypes"][0]["id"], slot["start"]))["userErrors"] == []
