"""Rules of notifications (`domain/notifications.py`): which event gets which email job, signed
tokens, what an email says and in which zone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain import notifications as n
from domain.events import BookingReceived, ClientCancelledSession, SessionChanged
from domain.job_names import (
    BOOKING_JOB,
    CANCELLED_BY_CLIENT_JOB,
    CANCELLED_BY_THERAPIST_JOB,
    RESCHEDULED_JOB,
)
from domain.model import SessionVisit

T, S, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
START = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)


def test_events_become_email_jobs_with_ids_only():
    booking = BookingReceived(T, S, C, uuid.uuid4(), START, START + timedelta(minutes=50))
    assert list(n.jobs_for_event(booking)) == [(BOOKING_JOB, {"session_id": str(S)})]
    cancelled = SessionChanged(T, S, "CANCELLED", (START, START), None)
    assert list(n.jobs_for_event(cancelled)) == [(CANCELLED_BY_THERAPIST_JOB, {"session_id": str(S)})]
    assert list(n.jobs_for_event(SessionChanged(T, S, "MOVED", None, None))) == [
        (RESCHEDULED_JOB, {"session_id": str(S)})]
    assert list(n.jobs_for_event(SessionChanged(T, S, "UPDATED", None, None))) == []
    assert list(n.jobs_for_event(ClientCancelledSession(T, S))) == [
        (CANCELLED_BY_CLIENT_JOB, {"session_id": str(S), "via_link": False})]


def test_signed_tokens_are_single_purpose_and_unforgeable():
    key = b"k" * 32
    token = n.sign(key, n.UNSUBSCRIBE, C)
    assert n.verify(key, n.UNSUBSCRIBE, token) == C
    assert n.verify(key, n.INVITE, token) is None
    assert n.verify(b"x" * 32, n.UNSUBSCRIBE, token) is None
    assert n.verify(key, n.UNSUBSCRIBE, token[:-2] + "AA") is None
    assert n.verify(key, n.UNSUBSCRIBE, "garbage") is None


def test_emails_show_times_in_the_recipients_zone():
    facts = n.SessionFactsForEmail(
        session_id=S, therapist_id=T, client_id=C, therapist_name="Dr T", therapist_email="t@x.test",
        therapist_zone="America/New_York", client_first_name="Ada", client_last_name="L",
        client_email="a@x.test", client_zone="Asia/Tokyo", start=START, end=START + timedelta(minutes=50),
        visit=SessionVisit.TELEHEALTH, meeting_url="https://meet/x", office_address=None, cancelled=False,
        notify_client=False, created_at=START - timedelta(days=2),
    )
    assert "Tuesday, March 5, 2030 at 11:00 PM Japan Time (50 minutes)" in " ".join(
        n.booking_for_client(facts, "https://app/manage?token=t").lines)
    assert "Tuesday, March 5, 2030 at 9:00 AM EST (50 minutes)" in " ".join(
        n.booking_for_therapist(facts).lines)
