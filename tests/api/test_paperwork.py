"""Notes, fees, payments and claims: what makes a session "worked on"."""

from __future__ import annotations

from tests.support.calendar import SESSIONS, UPDATE, create, practice

MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
NOTE = """mutation($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) {
  session { id hasNote note } userErrors { field code } } }"""
PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) {
  session { id paymentStatus amountPaidCents hasPayment payments { amountCents currency method } }
  userErrors { field code } } }"""
CLAIM = """mutation($i: SetClaimStatusInput!) { setClaimStatus(input: $i) {
  session { id hasClaim claimStatus } userErrors { field code } } }"""


async def test_payment_status_follows_fee_and_payments(api):
    token, _, event_type, client = await practice(api, price=(10000, "USD"))
    s = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    assert s["fee"] == {"amountCents": 10000, "currency": "USD"} and s["paymentStatus"] == "UNPAID"
    part = (await api.gql(PAY, {"i": {"sessionId": s["id"], "amountCents": 4000, "currency": "USD", "method": "CARD"}},
                          token=token))["recordPayment"]
    assert part["userErrors"] == []
    assert (part["session"]["paymentStatus"], part["session"]["amountPaidCents"]) == ("PARTIALLY_PAID", 4000)
    full = (await api.gql(PAY, {"i": {"sessionId": s["id"], "amountCents": 6000, "currency": "USD", "method": "CASH"}},
                          token=token))["recordPayment"]["session"]
    assert full["paymentStatus"] == "PAID" and full["hasPayment"] is True
    assert [p["method"] for p in full["payments"]] == ["CARD", "CASH"]
    raised = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "feeCents": 15000, "feeCurrency": "USD"}},
                            token=token))["updateSession"]["session"]
    assert raised["paymentStatus"] == "PARTIALLY_PAID"
    free = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "clearFee": True}}, token=token))["updateSession"]["session"]
    assert free["paymentStatus"] == "NO_FEE" and free["fee"] is None


async def test_bad_payments_are_refused(api):
    token, _, event_type, client = await practice(api, price=(10000, "USD"))
    s = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    for fields, expected in [
        ({"amountCents": -5, "currency": "USD"}, (["amountCents"], "OUT_OF_RANGE")),
        ({"amountCents": 0, "currency": "USD"}, (["amountCents"], "OUT_OF_RANGE")),
        ({"amountCents": 100, "currency": "XYZ"}, (["currency"], "UNKNOWN_CURRENCY")),
        ({"amountCents": 100, "currency": "EUR"}, (["currency"], "CURRENCY_MISMATCH")),
    ]:
        payload = (await api.gql(PAY, {"i": {"sessionId": s["id"], "method": "CARD", **fields}}, token=token))["recordPayment"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [expected]
    bad_fee = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "feeCents": -1, "feeCurrency": "USD"}}, token=token))["updateSession"]
    assert bad_fee["userErrors"][0]["code"] == "OUT_OF_RANGE"
    listed = (await api.gql(SESSIONS, MARCH, token=token))["sessions"][0]
    assert (listed["paymentStatus"], listed["amountPaidCents"], listed["fee"]["amountCents"]) == ("UNPAID", 0, 10000)


async def test_note_is_private_and_claims_are_tracked(api):
    token, _, event_type, client = await practice(api)
    other, _ = await api.sign_up()
    s = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    written = (await api.gql(NOTE, {"i": {"sessionId": s["id"], "text": "Client reports progress."}}, token=token))["writeSessionNote"]
    assert written["session"] == {"id": s["id"], "hasNote": True, "note": "Client reports progress."}
    refused = (await api.gql(NOTE, {"i": {"sessionId": s["id"], "text": "x"}}, token=other))["writeSessionNote"]
    assert refused["userErrors"] == [{"field": ["sessionId"], "code": "NOT_FOUND"}]
    node = await api.gql("query($id: ID!) { node(id: $id) { ... on Session { note } } }", {"id": s["id"]}, token=other)
    assert node["node"] is None
    claim = (await api.gql(CLAIM, {"i": {"sessionId": s["id"], "status": "SUBMITTED"}}, token=token))["setClaimStatus"]
    assert claim["session"] == {"id": s["id"], "hasClaim": True, "claimStatus": "SUBMITTED"}
    listed = (await api.gql(SESSIONS, MARCH, token=token))["sessions"][0]
    assert (listed["hasNote"], listed["hasClaim"], listed["claimStatus"]) == (True, True, "SUBMITTED")


async def test_event_type_price_validation(api):
    token, _ = await api.sign_up()
    create_type = """mutation($i: CreateEventTypeInput!) { createEventType(input: $i) { eventType { price { amountCents currency } } userErrors { field code } } }"""
    for fields, expected in [
        ({"priceCents": 100}, (["currency"], "REQUIRED")),
        ({"priceCents": -100, "currency": "USD"}, (["priceCents"], "OUT_OF_RANGE")),
        ({"priceCents": 100, "currency": "usd"}, (["currency"], "UNKNOWN_CURRENCY")),
    ]:
        payload = (await api.gql(create_type, {"i": {"title": "T", "minutes": 50, "visitType": "TELEHEALTH_ONLY", **fields}},
                                 token=token))["createEventType"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [expected]
    ok = (await api.gql(create_type, {"i": {"title": "T", "minutes": 50, "visitType": "TELEHEALTH_ONLY",
                                            "priceCents": 9000, "currency": "GBP"}}, token=token))["createEventType"]
    assert ok["eventType"]["price"] == {"amountCents": 9000, "currency": "GBP"}
