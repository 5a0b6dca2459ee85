"""The calendar feed as iCalendar (RFC 5545) bytes, written with the `icalendar` library.

The body depends only on the events (no "now" in it), so the same calendar gives the same bytes
and the same ETag: calendar apps that poll with If-None-Match get a 304 until something changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, timedelta

from icalendar import Calendar, Event

from domain.calendar_feed import PRODUCT_ID, FeedEvent

POLL = timedelta(minutes=15)  # how often calendar apps are asked to look again


def render(events: Sequence[FeedEvent], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", POLL, parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", POLL)  # the same hint for Outlook and older Apple clients
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.astimezone(UTC))
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
        event.add("summary", item.summary)
        event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("class", "PRIVATE")
        event.add("transp", "OPAQUE")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def etag_of(body: bytes) -> str:
    """A strong ETag: the body's digest (quoted, as HTTP wants)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
