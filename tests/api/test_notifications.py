"""Who gets which email, over a real SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL.

Also: the emails and the logs carry no clinical information (grep over everything sent/logged).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.support.booking import booked
from tests.support.mail import html_of, text_of
from tests.support.portal import CANCEL, CANCEL_MINE, NOTE, portal_client


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + " " + repr(record.__dict__))


@pytest.fixture(scope="module", autouse=True)
def logs():
    """Every log line of this module's tests (set up before `mail_api`, as autouse fixtures are)."""
    handler = Collect()
    root = logging.getLogger()
    names = ("couchtime", "domain", "workers", "adapters", "persistence")
    old = {name: logging.getLogger(name).level for name in names}
    old_root = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_root)
    for name, level in old.items():  # the apps of later tests keep running and logging
        logging.getLogger(name).setLevel(level)


async def test_new_booking_emails_the_client_and_the_therapist(mail_api, smtp):
    b = await booked(mail_api, visit="TELEHEALTH")
    [to_client] = await smtp.wait_for(b["client_email"], "is booked")
    [to_therapist] = await smtp.wait_for(b["therapist"]["email"], "New booking")
    meeting = b["confirmation"]["meetingUrl"]
    body = text_of(to_client)
    assert meeting in body and meeting in text_of(to_therapist)
    assert "telehealth" in body.lower()
    assert "Germany (Berlin) Time" in body  # the client's booking zone
    assert " EST " in text_of(to_therapist) or " EDT " in text_of(to_therapist)  # the therapist's
    assert "Springfield" not in body  # no address for a telehealth session
    assert meeting in html_of(to_client)
    assert to_client["From"] == "Couchtime <no-reply@couchtime.test>"


async def test_in_person_confirmation_has_the_office_address(mail_api, smtp):
    b = await booked(mail_api, visit="IN_PERSON")
    [to_client] = await smtp.wait_for(b["client_email"], "is booked")
    body = text_of(to_client)
    assert "in person" in body and "1 Quiet Lane, Springfield, IL, 62701" in body
    assert b["confirmation"]["meetingUrl"] not in body  # no video link for an in-person visit


async def test_therapist_cancel_emails_the_client_only_when_notify_is_ticked(mail_api, smtp):
    quiet = await booked(mail_api)
    loud = await booked(mail_api)
    for b, notify in ((quiet, False), (loud, True)):
        data = await mail_api.gql(CANCEL, {"input": {"sessionId": b["session_id"], "notifyClient": notify,
                                                     "reason": "PRIVATE-REASON-7731"}}, token=b["token"])
        assert data["cancelSession"]["userErrors"] == []
    [email] = await smtp.wait_for(loud["client_email"], "is cancelled")
    assert "PRIVATE-REASON-7731" not in text_of(email)
    await smtp.settle()
    assert smtp.to(quiet["client_email"], "cancelled") == []
    assert smtp.to(loud["therapist"]["email"], "cancelled") == []  # the therapist did it


async def test_client_cancel_in_the_portal_emails_the_therapist_not_the_client(mail_api, smtp):
    b = await booked(mail_api, days_ahead=3)
    portal_token = await portal_client(mail_api, smtp, b)
    data = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=portal_token)
    assert data["cancelMySession"]["userErrors"] == [], data
    [email] = await smtp.wait_for(b["therapist"]["email"], "cancelled a session")
    assert "Ada Lovelace" in email["Subject"]
    await smtp.settle()
    assert smtp.to(b["client_email"], "cancelled") == []


async def test_no_clinical_information_in_emails_or_logs(mail_api, smtp, logs):
    """Notes, cancel reasons and phone numbers never reach an email or a log line; client emails
    reach no log line. (Names and times are what emails are for.)"""
    b = await booked(mail_api)
    await smtp.wait_for(b["client_email"], "is booked")
    await mail_api.gql(NOTE, {"input": {"sessionId": b["session_id"], "text": "NOTE-SECRET-DX-F41.1"}},
                       token=b["token"])
    await mail_api.gql(CANCEL, {"input": {"sessionId": b["session_id"], "notifyClient": True,
                                          "reason": "REASON-SECRET-4455"}}, token=b["token"])
    await smtp.wait_for(b["client_email"], "is cancelled")
    everything = [m.as_string() for m in smtp.messages]
    for secret in ("NOTE-SECRET", "F41.1", "REASON-SECRET", "555 0100"):
        assert not any(secret in text for text in everything), secret
        assert not any(secret in line for line in logs.lines), secret
    assert not any(b["client_email"] in line for line in logs.lines)
    assert any("email sent" in line for line in logs.lines)


async def test_a_client_cancelling_within_24_hours_is_too_late(mail_api, smtp):
    b = await booked(mail_api, days_ahead=2)
    portal_token = await portal_client(mail_api, smtp, b)
    clock = mail_api.clock
    try:
        clock.set(b["start"] - timedelta(hours=24) + timedelta(seconds=1), frozen=True)
        data = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=portal_token)
        assert [e["code"] for e in data["cancelMySession"]["userErrors"]] == ["TOO_LATE_TO_CANCEL"]
        clock.set(b["start"] - timedelta(hours=24), frozen=True)  # exactly 24 hours ahead: allowed
        data = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=portal_token)
        assert data["cancelMySession"]["userErrors"] == []
        assert data["cancelMySession"]["session"]["cancelled"] is True
    finally:
        clock.reset()
