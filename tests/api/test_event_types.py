"""Event types over GraphQL: create, edit, delete, the 15 limit, ownership."""

from __future__ import annotations

LIST = "{ me { eventTypes { id title minutes visitType description } } }"
CREATE = """
mutation C($input: CreateEventTypeInput!) {
  createEventType(input: $input) {
    eventType { id title minutes visitType description }
    userErrors { field code message }
  }
}"""
UPDATE = """
mutation U($input: UpdateEventTypeInput!) {
  updateEventType(input: $input) {
    eventType { id title minutes visitType description }
    userErrors { field code message }
  }
}"""
DELETE = """
mutation D($input: DeleteEventTypeInput!) {
  deleteEventType(input: $input) { deletedEventTypeId userErrors { field code message } }
}"""
NODE = "query N($id: ID!) { node(id: $id) { id ... on EventType { title } } }"


async def create(api, token, **fields):
    data = {"title": "Intake", "minutes": 50, "visitType": "TELEHEALTH_AND_IN_PERSON", **fields}
    return (await api.gql(CREATE, {"input": data}, token=token))["createEventType"]


async def test_create_list_in_order_update_delete(api):
    token, _ = await api.sign_up()
    first = (await create(api, token, title="Intake", minutes=50, description="First visit"))["eventType"]
    second = (await create(api, token, title="Follow-up", minutes=45, visitType="TELEHEALTH_ONLY"))["eventType"]
    listed = (await api.gql(LIST, token=token))["me"]["eventTypes"]
    assert [e["title"] for e in listed] == ["Intake", "Follow-up"]
    assert listed[0]["description"] == "First visit" and listed[1]["description"] is None

    payload = (await api.gql(UPDATE, {"input": {"eventTypeId": first["id"], "minutes": 60,
                                                 "visitType": "IN_PERSON_ONLY"}}, token=token))["updateEventType"]
    assert payload["userErrors"] == []
    assert payload["eventType"] == {**first, "minutes": 60, "visitType": "IN_PERSON_ONLY"}

    deleted = (await api.gql(DELETE, {"input": {"eventTypeId": second["id"]}}, token=token))["deleteEventType"]
    assert deleted == {"deletedEventTypeId": second["id"], "userErrors": []}
    assert [e["title"] for e in (await api.gql(LIST, token=token))["me"]["eventTypes"]] == ["Intake"]


async def test_common_lengths_hint(api):
    assert (await api.gql("{ commonSessionLengths }"))["commonSessionLengths"] == [15, 30, 45, 50, 60, 90]


async def test_bad_input_is_refused_and_nothing_changes(api):
    token, _ = await api.sign_up()
    for fields, field, code in [
        ({"title": ""}, ["title"], "REQUIRED"),
        ({"title": "x" * 121}, ["title"], "TOO_LONG"),
        ({"minutes": 4}, ["minutes"], "OUT_OF_RANGE"),
        ({"minutes": 721}, ["minutes"], "OUT_OF_RANGE"),
        ({"description": "d" * 2001}, ["description"], "TOO_LONG"),
    ]:
        payload = await create(api, token, **fields)
        assert payload["eventType"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert (await api.gql(LIST, token=token))["me"]["eventTypes"] == []
    ok = (await create(api, token))["eventType"]
    payload = (await api.gql(UPDATE, {"input": {"eventTypeId": ok["id"], "minutes": 0}}, token=token))["updateEventType"]
    assert payload["userErrors"][0]["code"] == "OUT_OF_RANGE"
    assert (await api.gql(LIST, token=token))["me"]["eventTypes"] == [ok]


async def test_sixteenth_event_type_is_refused(api):
    token, _ = await api.sign_up()
    for i in range(15):
        assert (await create(api, token, title=f"Type {i}"))["userErrors"] == []
    payload = await create(api, token, title="One too many")
    assert payload["eventType"] is None
    assert payload["userErrors"][0]["code"] == "LIMIT_REACHED"
    listed = (await api.gql(LIST, token=token))["me"]["eventTypes"]
    assert [e["title"] for e in listed] == [f"Type {i}" for i in range(15)]
    # deleting one frees a place
    await api.gql(DELETE, {"input": {"eventTypeId": listed[0]["id"]}}, token=token)
    assert (await create(api, token, title="Now fits"))["userErrors"] == []


async def test_another_therapists_event_type_is_invisible(api):
    owner, _ = await api.sign_up()
    other, _ = await api.sign_up()
    mine = (await create(api, owner))["eventType"]
    for mutation, variables, name in [
        (UPDATE, {"eventTypeId": mine["id"], "title": "Hijacked"}, "updateEventType"),
        (DELETE, {"eventTypeId": mine["id"]}, "deleteEventType"),
    ]:
        payload = (await api.gql(mutation, {"input": variables}, token=other))[name]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["eventTypeId"], "NOT_FOUND")]
    assert (await api.gql(NODE, {"id": mine["id"]}, token=other))["node"] is None
    assert (await api.gql(NODE, {"id": mine["id"]}, token=owner))["node"] == {"id": mine["id"], "title": "Intake"}
    assert (await api.gql(LIST, token=owner))["me"]["eventTypes"] == [mine]


async def test_garbage_ids_are_not_found_not_errors(api):
    token, _ = await api.sign_up()
    payload = (await api.gql(DELETE, {"input": {"eventTypeId": "garbage!"}}, token=token))["deleteEventType"]
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await api.gql(NODE, {"id": "garbage!"}, token=token))["node"] is None
