"""Who gets which email, and what it says — as plain data, no PHI.

| event                     | therapist | client                                        |
| new booking (public page) | yes       | yes (time, visit type, meeting link, address) |
| therapist cancels         | no        | yes, when `notifyClient` was ticked           |
| client cancels (portal)   | yes       | no                                            |
| session reminder          | no        | yes, reminders on and portal access           |
| portal invite             | no        | yes                                           |

Emails carry names, times and links only: never a note, a cancel reason, a diagnosis, a
phone number or a fee. Times are shown in the recipient's zone (the client's booking zone,
else the client's zone, else the therapist's; the therapist's own zone for the therapist).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.clients import client_zone
from domain.events import (
    BookingReceived,
    ClientCancelledSession,
    DomainEvent,
    PortalInviteCreated,
    SessionChanged,
)
from domain.job_names import (
    BOOKING_JOB,
    CANCELLED_BY_CLIENT_JOB,
    CANCELLED_BY_THERAPIST_JOB,
    PORTAL_INVITE_JOB,
)
from domain.model import SessionVisit


class EmailKind(StrEnum):
    """Idempotency kinds: one email per kind and key (a session, an invite, a reminder)."""

    BOOKING_CLIENT = "booking.client"
    BOOKING_THERAPIST = "booking.therapist"
    CANCELLED_BY_THERAPIST = "cancelled_by_therapist.client"
    CANCELLED_BY_CLIENT = "cancelled_by_client.therapist"
    PORTAL_INVITE = "portal_invite.client"
    REMINDER_LEAD = "reminder.lead"
    REMINDER_DAY_BEFORE = "reminder.day_before"




def jobs_for_event(event: DomainEvent) -> Iterable[tuple[str, dict]]:
    """The outbox rule (domain/jobs.py): IDs only. A therapist's cancellation always gets a
    job; its actor sends only when the session is still cancelled with `notify_client`."""
    if isinstance(event, BookingReceived):
        yield BOOKING_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, SessionChanged) and event.kind == "CANCELLED":
        yield CANCELLED_BY_THERAPIST_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, ClientCancelledSession):
        yield CANCELLED_BY_CLIENT_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, PortalInviteCreated):
        yield PORTAL_INVITE_JOB, {"invite_id": str(event.invite_id)}


# --- what an email says -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Email:
    """One email as data; adapters render it as text and HTML (escaped)."""

    to: str
    subject: str
    lines: tuple[str, ...]
    button: tuple[str, str] | None = None  # (label, URL)
    footer: tuple[tuple[str, str], ...] = ()  # (label, URL) links under the body


@dataclass(frozen=True, slots=True)
class SessionFactsForEmail:
    """What an email about one session may use: names, times, links, where. Nothing clinical."""

    session_id: UUID
    therapist_id: UUID
    client_id: UUID
    therapist_name: str
    therapist_email: str
    therapist_zone: str
    client_first_name: str
    client_last_name: str
    client_email: str
    client_zone: str | None  # the booking's zone, else the client's
    start: datetime
    end: datetime
    visit: SessionVisit
    meeting_url: str
    office_address: str | None
    cancelled: bool
    notify_client: bool
    created_at: datetime
    portal_access: bool = False
    unsubscribed: bool = False

    @property
    def client_name(self) -> str:
        return f"{self.client_first_name} {self.client_last_name}".strip()

    @property
    def client_display_zone(self) -> str:
        return client_zone(self.client_zone, None, self.therapist_zone)


def when(start: datetime, end: datetime, zone: str) -> str:
    """E.g. "Tuesday, 5 March 2030, 09:00–09:50 (America/New_York)"."""
    tz = ZoneInfo(zone)
    local, local_end = start.astimezone(tz), end.astimezone(tz)
    return (f"{local:%A}, {local.day} {local:%B %Y}, {local:%H:%M}–{local_end:%H:%M} ({zone})")


def _visit_lines(f: SessionFactsForEmail) -> list[str]:
    if f.visit is SessionVisit.IN_PERSON:
        where = f.office_address or "the office address will be announced"
        return ["Visit type: in person", f"Address: {where}", f"Meeting link: {f.meeting_url}"]
    return ["Visit type: telehealth (video)", f"Meeting link: {f.meeting_url}"]


@dataclass(frozen=True, slots=True)
class Links:
    """Built on COUCHTIME_PUBLIC_APP_URL."""

    base: str

    def portal(self) -> str:
        return f"{self.base.rstrip('/')}/portal"

    def invite(self, token: str) -> str:
        return f"{self.base.rstrip('/')}/portal/invite?token={token}"

    def unsubscribe(self, token: str) -> str:
        return f"{self.base.rstrip('/')}/unsubscribe?token={token}"


def booking_for_client(f: SessionFactsForEmail) -> Email:
    return Email(
        to=f.client_email,
        subject=f"Your session with {f.therapist_name} is booked",
        lines=(f"Hello {f.client_first_name},",
               f"Your session with {f.therapist_name} is booked for "
               f"{when(f.start, f.end, f.client_display_zone)}.",
               *_visit_lines(f)),
        button=("Join the meeting", f.meeting_url),
    )


def booking_for_therapist(f: SessionFactsForEmail) -> Email:
    return Email(
        to=f.therapist_email,
        subject=f"New booking: {f.client_name}",
        lines=(f"{f.client_name} booked a session for {when(f.start, f.end, f.therapist_zone)}.",
               *_visit_lines(f),
               "You will find them under New bookings."),
        button=("Join the meeting", f.meeting_url),
    )


def cancelled_by_therapist(f: SessionFactsForEmail) -> Email:
    return Email(
        to=f.client_email,
        subject=f"Your session with {f.therapist_name} is cancelled",
        lines=(f"Hello {f.client_first_name},",
               f"{f.therapist_name} cancelled your session of "
               f"{when(f.start, f.end, f.client_display_zone)}.",
               "Contact your therapist to find another time."),
    )


def cancelled_by_client(f: SessionFactsForEmail) -> Email:
    return Email(
        to=f.therapist_email,
        subject=f"{f.client_name} cancelled a session",
        lines=(f"{f.client_name} cancelled their session of "
               f"{when(f.start, f.end, f.therapist_zone)} in the client portal.",
               "The time is free again on your booking page."),
    )


def reminder(f: SessionFactsForEmail, links: Links, unsubscribe_token: str) -> Email:
    local = f.start.astimezone(ZoneInfo(f.client_display_zone))
    return Email(
        to=f.client_email,
        subject=f"Reminder: your session with {f.therapist_name} at {local:%H:%M} ({f.client_display_zone})",
        lines=(f"Hello {f.client_first_name},",
               f"Your session with {f.therapist_name} starts soon. "
               "The portal has the time and the meeting link."),
        button=("Open the portal", links.portal()),
        footer=(("Stop these reminders", links.unsubscribe(unsubscribe_token)),),
    )


def portal_invite(*, to: str, first_name: str, therapist_name: str, link: str) -> Email:
    return Email(
        to=to,
        subject=f"{therapist_name} invited you to the client portal",
        lines=(f"Hello {first_name},",
               f"{therapist_name} invited you to the client portal, where you see your sessions, "
               "join them and cancel when needed.",
               "The link works once and for 7 days."),
        button=("Set your password", link),
    )


# --- signed, single-purpose tokens (invites, unsubscribe) --------------------------------


def _mac(key: bytes, purpose: str, subject: UUID) -> str:
    digest = hmac.new(key, f"{purpose}:{subject}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(key: bytes, purpose: str, subject: UUID) -> str:
    """`<uuid>.<HMAC-SHA256(key, purpose:uuid)>`: unforgeable, and useless for any other purpose."""
    return f"{subject}.{_mac(key, purpose, subject)}"


def verify(key: bytes, purpose: str, token: str) -> UUID | None:
    subject, _, mac = (token or "").strip().partition(".")
    if not mac.isascii():  # compare_digest refuses non-ASCII text; no real MAC has any
        return None
    try:
        parsed = UUID(subject)
    except ValueError:
        return None
    return parsed if hmac.compare_digest(mac, _mac(key, purpose, parsed)) else None


UNSUBSCRIBE = "unsubscribe-reminders"
INVITE = "portal-invite"
