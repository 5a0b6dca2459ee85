"""What clients and therapists read: both parts of each email, for telehealth and in person, in
en_US and a 24-hour locale (de_DE), and the calendar invite parsed back with `icalendar`."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from adapters.mail import build_message
from domain import calendar_feed, wording
from domain import notifications as n
from domain.model import SessionVisit

T, S, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
START = datetime(2027, 3, 2, 19, 0, tzinfo=UTC)  # 2:00 PM in New York, 20:00 in Berlin
MEET, MANAGE = "https://meet.test/room-1", "https://app.test/manage?token=abc.def"
ADDRESS = "1 Quiet Lane, Springfield, IL, 62701"


def facts(visit=SessionVisit.TELEHEALTH, locale="en_US", zone="America/New_York", **more):
    return n.SessionFactsForEmail(
        session_id=S, therapist_id=T, client_id=C, therapist_name="Dr Tess", therapist_email="t@x.test",
        therapist_zone="America/New_York", client_first_name="Ada", client_last_name="Lovelace",
        client_email="ada@x.test", client_zone=zone, start=START, end=START + timedelta(minutes=50),
        visit=visit, meeting_url=MEET, office_address=ADDRESS, cancelled=False, notify_client=False,
        created_at=START - timedelta(days=3), therapist_locale=locale, therapist_username="tess",
        event_type_title="Couples intake", **more)


def parts(email: n.Email):
    message = build_message(email, "Couchtime <no-reply@couchtime.test>")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    ics = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return message, text, html, ics


def calendar_of(message) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


@pytest.mark.parametrize(("locale", "written"), [
    ("en_US", "Tuesday, March 2, 2027 at 2:00 PM EST (50 minutes)"),
    ("de_DE", "Dienstag, 2. März 2027, 14:00"),
])
def test_telehealth_confirmation_text_html_and_invite(locale, written):
    message, text, html, _ = parts(n.booking_for_client(facts(locale=locale), MANAGE))
    assert written in text and written in html
    assert text.count(MEET) == 1 and text.count(MANAGE) == 1  # each link once in plain text
    assert MEET in html and MANAGE.replace("&", "&amp;") in html
    assert ADDRESS not in text and "Springfield" not in html  # no address for video
    assert "Couples intake" not in text + html + message["Subject"]  # off by default
    assert "24 hours" in text
    event = calendar_of(message).walk("VEVENT")[0]
    assert calendar_of(message)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"session-{S}@couchtime"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == START and event.decoded("DTEND") == START + timedelta(minutes=50)
    assert str(event["LOCATION"]) == MEET and str(event["URL"]) == MEET
    assert "Couples intake" not in str(event["SUMMARY"])
    assert str(event["ATTENDEE"]) == "mailto:ada@x.test"


@pytest.mark.parametrize("locale", ["en_US", "de_DE"])
def test_in_person_emails_give_the_address_and_no_video_link(locale):
    f = facts(visit=SessionVisit.IN_PERSON, locale=locale)
    for email in (n.booking_for_client(f, MANAGE), n.booking_for_therapist(f),
                  n.rescheduled_for_client(f, MANAGE), n.reminder(f, n.Links("https://app.test"), "tok",
                                                                  date(2027, 3, 1))):
        message, text, html, _ = parts(email)
        assert ADDRESS in text and ADDRESS in html, email.subject
        assert MEET not in text and MEET not in html, email.subject
    event = calendar_of(parts(n.booking_for_client(f, MANAGE))[0]).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == ADDRESS and "URL" not in event


def test_24_hour_locale_writes_no_am_pm_and_the_zone_by_name():
    _, text, _, _ = parts(n.booking_for_client(facts(locale="de_DE", zone="Europe/Berlin"), MANAGE))
    assert "Dienstag, 2. März 2027, 20:00 MEZ" in text
    assert not re.search(r"\b(AM|PM)\b", text)
    _, text, _, _ = parts(n.booking_for_client(facts(locale="en_GB", zone="Europe/Berlin"), MANAGE))
    assert "Tuesday, 2 March 2027 at 20:00 CET" in text


def test_the_session_type_is_named_only_when_turned_on_and_never_in_reminders():
    f = facts(name_type=True)
    message, text, html, _ = parts(n.booking_for_client(f, MANAGE))
    assert "Couples intake session" in text and "Couples intake" in html
    assert "Couples intake" in str(calendar_of(message).walk("VEVENT")[0]["SUMMARY"])
    assert "Couples intake" in " ".join(n.booking_for_therapist(f).lines)
    reminder = n.reminder(f, n.Links("https://app.test"), "tok", date(2027, 3, 1))
    _, text, html, ics = parts(reminder)
    assert "Couples intake" not in text + html + reminder.subject and ics == []


def test_day_before_reminder_says_tomorrow_with_the_date():
    reminder = n.reminder(facts(), n.Links("https://app.test"), "tok", date(2027, 3, 1))
    _, text, _, _ = parts(reminder)
    assert "is tomorrow at 2:00 PM EST (Tuesday, March 2, 2027)" in text
    assert "tomorrow at 2:00 PM EST" in reminder.subject
    assert "soon" not in text
    assert text.count(MEET) == 1 and text.count("/unsubscribe?token=tok") == 1
    same_day = n.reminder(facts(locale="de_DE"), n.Links("https://app.test"), "tok", date(2027, 3, 2))
    assert "today at 14:00" in parts(same_day)[1]


def test_moves_and_cancellations_update_the_same_event():
    moved = replace(facts(), start=START + timedelta(days=1), end=START + timedelta(days=1, minutes=50),
                    sequence=1)
    update = calendar_of(parts(n.rescheduled_for_client(moved, MANAGE))[0])
    cancelled = calendar_of(parts(n.cancelled_by_therapist(replace(moved, sequence=2)))[0])
    own = calendar_of(parts(n.cancellation_for_client(replace(moved, sequence=2),
                                                     "https://app.test/book/tess"))[0])
    first = calendar_of(parts(n.booking_for_client(facts(), MANAGE))[0]).walk("VEVENT")[0]
    assert update["METHOD"] == "REQUEST" and cancelled["METHOD"] == own["METHOD"] == "CANCEL"
    events = [c.walk("VEVENT")[0] for c in (update, cancelled)]
    # one UID per session everywhere: the one the therapist's calendar feed gives the same session
    assert {str(e["UID"]) for e in [first, *events]} == {calendar_feed.session_uid(S)}
    assert [int(e["SEQUENCE"]) for e in [first, *events]] == [0, 1, 2]
    assert events[0].decoded("DTSTART") == START + timedelta(days=1)
    assert str(events[1]["STATUS"]) == "CANCELLED"


def test_therapist_emails_carry_no_invite():
    for email in (n.booking_for_therapist(facts()), n.cancelled_by_client(facts())):
        assert parts(email)[3] == []


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31),
                    timezones=st.just(UTC)),
       st.sampled_from(["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Tokyo"]))
def test_tomorrow_is_the_next_calendar_day_in_the_zone_even_across_dst(instant, zone):
    """The word follows the local date, not "24 hours later" (a DST night has 23 or 25 hours)."""
    from zoneinfo import ZoneInfo

    local = instant.astimezone(ZoneInfo(zone))
    phrase = wording.relative_when(instant, zone, "en_US", local.date() - timedelta(days=1))
    assert phrase.startswith("tomorrow at ")
    assert wording.date_only(instant, zone, "en_US") in phrase
    assert wording.relative_when(instant, zone, "en_US", local.date()).startswith("today at ")


def test_dst_changes_the_zone_abbreviation():
    summer = datetime(2027, 7, 6, 18, 0, tzinfo=UTC)
    assert wording.when(summer, "America/New_York", "en_US") == "Tuesday, July 6, 2027 at 2:00 PM EDT"
    assert wording.when(START, "America/New_York", "en_US") == "Tuesday, March 2, 2027 at 2:00 PM EST"


def test_locales_are_checked_and_canonical():
    assert wording.normalize_locale("de-de") == "de_DE"
    assert wording.normalize_locale("en_GB") == "en_GB"
    assert wording.normalize_locale("xx_QQ") is None and wording.normalize_locale("") is None
