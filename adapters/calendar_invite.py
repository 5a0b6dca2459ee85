"""Renders `domain.calendar_invite.CalendarInvite` as an iCalendar (RFC 5545/5546) object.

The client's calendar app matches on UID and keeps the highest SEQUENCE; METHOD:CANCEL with
STATUS:CANCELLED removes the event. Times are written in UTC (no VTIMEZONE needed): the app
shows them in the reader's own zone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from domain.calendar_invite import CalendarInvite, InviteMethod

PRODID = "-//Couchtime//Scheduling//EN"


def render_ics(invite: CalendarInvite, *, stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", invite.method.value)
    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", invite.start.astimezone(UTC))
    event.add("dtend", invite.end.astimezone(UTC))
    event.add("summary", invite.summary)
    organizer = vCalAddress(f"mailto:{invite.organizer_email}")
    organizer.params["cn"] = vText(invite.organizer_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invite.attendee_email}")
    attendee.params["cn"] = vText(invite.attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    if invite.location:
        event.add("location", invite.location)
    if invite.url:
        event.add("url", invite.url)
    if invite.description:
        event.add("description", invite.description)
    cancelled = invite.method is InviteMethod.CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
