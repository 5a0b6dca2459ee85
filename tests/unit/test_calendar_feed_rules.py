"""What the calendar feed says about sessions: the Outlook rule's words, no cancelled ones, one
UID per session derived from its ID only, and tokens that open only a feed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from adapters.icalendar_feed import etag_of, render
from domain import calendar_feed, notifications
from domain.model import (
    CalendarView,
    Client,
    ClientStatus,
    EventType,
    Session,
    SessionSource,
    SessionStatus,
    SessionVisit,
    Therapist,
    VisitType,
)

T0 = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # New York's spring-forward morning
THERAPIST = Therapist(id=uuid.uuid4(), email="t@example.com", password_hash="x", display_name="Dr T",
                      username="t", time_zone="America/New_York", office_address=None,
                      calendar_view=CalendarView.WEEK, created_at=T0)
CLIENT = Client(id=uuid.uuid4(), therapist_id=THERAPIST.id, first_name="Mary Ann", last_name="Lee",
                email="m@example.com", phone=None, time_zone="UTC", status=ClientStatus.ACTIVE, created_at=T0)
TYPE = EventType(id=uuid.uuid4(), therapist_id=THERAPIST.id, title="Therapy", minutes=50,
                 visit_type=VisitType.TELEHEALTH_ONLY, description=None, created_at=T0)


def session(start: datetime, status=SessionStatus.SCHEDULED) -> Session:
    return Session(id=uuid.uuid4(), therapist_id=THERAPIST.id, client_id=CLIENT.id, event_type_id=TYPE.id,
                   start=start, end=start + timedelta(minutes=50), visit=SessionVisit.TELEHEALTH,
                   meeting_url="https://meet.example/x", status=status, source=SessionSource.MANUAL,
                   created_at=T0)


def test_the_feed_says_initials_skips_cancelled_and_uses_one_uid_per_session():
    kept, gone = session(T0 + timedelta(hours=3)), session(T0, SessionStatus.CANCELLED)
    events = calendar_feed.events_for([calendar_feed.FeedSession(s, CLIENT, TYPE) for s in (gone, kept)],
                                      THERAPIST)
    assert [e.uid for e in events] == [f"session-{kept.id}@couchtime"]
    assert events[0].summary == "Therapy · M.A.L." and "Lee" not in events[0].description
    moved = calendar_feed.events_for([calendar_feed.FeedSession(session(T0), CLIENT, TYPE)], THERAPIST)
    assert calendar_feed.session_uid(kept.id) == events[0].uid != moved[0].uid


def test_the_body_and_etag_depend_only_on_the_events():
    events = calendar_feed.events_for([calendar_feed.FeedSession(session(T0), CLIENT, TYPE)], THERAPIST)
    first, again = render(events, name="x"), render(events, name="x")
    assert first == again and etag_of(first) == etag_of(again)
    assert b"DTSTART:20260308T063000Z" in first and b"CLASS:PRIVATE" in first


def test_a_feed_token_opens_nothing_else_and_nothing_else_opens_a_feed():
    key, feed_id = b"k" * 32, uuid.uuid4()
    token = calendar_feed.feed_token(key, feed_id)
    assert calendar_feed.feed_id_of(key, token) == feed_id
    assert calendar_feed.feed_id_of(b"other" * 8, token) is None
    assert notifications.verify(key, notifications.UNSUBSCRIBE, token) is None
    assert calendar_feed.feed_id_of(key, notifications.sign(key, notifications.UNSUBSCRIBE, feed_id)) is None
