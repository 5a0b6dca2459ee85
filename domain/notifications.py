"""Who gets which email, and what it says — as plain data, no PHI.

| event                        | therapist | client                                          |
| new booking (public page)    | yes       | yes, with a calendar invite and a manage link   |
| therapist moves it           | no        | yes (invite update), when the client booked it  |
| therapist cancels            | no        | yes (invite cancel), when `notifyClient` ticked |
| client cancels (portal)      | yes       | no                                              |
| client cancels (manage link) | yes       | yes (invite cancel, link to rebook)             |
| session reminder             | no        | yes, reminders on and portal access             |
| portal invite                | no        | yes                                             |

Calendar invites go to clients only (a therapist with Outlook sync already has the event), and
only for sessions booked from the public page: those are the ones in the client's calendar.

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
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from domain import calendar_feed, wording  # calendar_feed imports this module: use it at call time
from domain.calendar_invite import CalendarInvite, InviteMethod
from domain.clients import client_zone
from domain.events import (
    BookingReceived,
    ClientCancelledSession,
    DomainEvent,
    PortalInviteCreated,
    SessionChanged,
    SessionRestored,
)
from domain.job_names import (
    BOOKING_JOB,
    CANCELLED_BY_CLIENT_JOB,
    CANCELLED_BY_THERAPIST_JOB,
    PORTAL_INVITE_JOB,
    RESCHEDULED_JOB,
    RESTORED_JOB,
)
from domain.model import SessionVisit
from domain.portal import address_digest


class EmailKind(StrEnum):
    """Idempotency kinds: one email per kind and key (a session, an invite, a reminder)."""

    BOOKING_CLIENT = "booking.client"
    BOOKING_THERAPIST = "booking.therapist"
    CANCELLED_BY_THERAPIST = "cancelled_by_therapist.client"
    CANCELLED_BY_CLIENT = "cancelled_by_client.therapist"
    PORTAL_INVITE = "portal_invite.client"
    REMINDER_LEAD = "reminder.lead"
    REMINDER_DAY_BEFORE = "reminder.day_before"
    RESCHEDULED_CLIENT = "rescheduled.client"  # key: session:sequence (one per move)
    CANCELLED_CLIENT_CONFIRMATION = "cancelled_by_client.client"
    RESTORED_CLIENT = "restored.client"  # key: session:sequence (one per uncancel)
    # The cancellation kinds are keyed session:sequence too, so a session cancelled again after
    # an uncancel is told again.




def jobs_for_event(event: DomainEvent) -> Iterable[tuple[str, dict]]:
    """The outbox rule (domain/jobs.py): IDs only. A therapist's cancellation always gets a
    job; its actor sends only when the session is still cancelled with `notify_client`."""
    if isinstance(event, BookingReceived):
        yield BOOKING_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, SessionChanged) and event.kind == "CANCELLED":
        yield CANCELLED_BY_THERAPIST_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, SessionChanged) and event.kind == "MOVED":
        yield RESCHEDULED_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, ClientCancelledSession):
        yield CANCELLED_BY_CLIENT_JOB, {"session_id": str(event.session_id),
                                        "via_link": event.via_link}
    elif isinstance(event, SessionRestored):
        yield RESTORED_JOB, {"session_id": str(event.session_id)}
    elif isinstance(event, PortalInviteCreated):
        yield PORTAL_INVITE_JOB, {"invite_id": str(event.invite_id)}


# --- what an email says -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Email:
    """One email as data; adapters render it as text and HTML (escaped), plus the calendar
    invite as a text/calendar part when there is one."""

    to: str
    subject: str
    lines: tuple[str, ...]
    button: tuple[str, str] | None = None  # (label, URL)
    footer: tuple[tuple[str, str], ...] = ()  # (label, URL) links under the body
    invite: CalendarInvite | None = None


@dataclass(frozen=True, slots=True)
class SessionFactsForEmail:
    """What an email about one session may use: names, times, links, where. Nothing clinical
    (the event type's title only travels when the therapist turned `name_type` on)."""

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
    therapist_locale: str = wording.DEFAULT_LOCALE
    therapist_username: str = ""
    event_type_title: str = ""
    name_type: bool = False  # the event type's "name it in emails" switch
    sequence: int = 0  # the session's calendar revision
    booked_by_client: bool = True  # from the public page: the client holds a calendar invite

    @property
    def client_name(self) -> str:
        return f"{self.client_first_name} {self.client_last_name}".strip()

    @property
    def client_display_zone(self) -> str:
        return client_zone(self.client_zone, None, self.therapist_zone)

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)


def when(f: SessionFactsForEmail, zone: str) -> str:
    """E.g. "Tuesday, March 2, 2027 at 2:00 PM EST (50 minutes)", in the therapist's locale."""
    return f"{wording.when(f.start, zone, f.therapist_locale)} ({f.minutes} minutes)"


def session_word(title: str | None, named: bool) -> str:
    """"session", or "Couples intake session"-like only where the therapist turned the event
    type's `nameInEmails` on: the one rule for every email and link page about a session."""
    return f"{title} session" if named and title else "session"


def _what(f: SessionFactsForEmail) -> str:
    return session_word(f.event_type_title, f.name_type)


def _where(f: SessionFactsForEmail) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    """In person: the address and no video link; telehealth: the link, once (as the button)."""
    if f.visit is SessionVisit.IN_PERSON:
        where = f.office_address or "the office address will be announced"
        return ("Visit type: in person", f"Address: {where}"), None
    return ("Visit type: telehealth (video)",), ("Join the meeting", f.meeting_url)


def _invite(f: SessionFactsForEmail, method: InviteMethod, manage_url: str | None) -> CalendarInvite:
    in_person = f.visit is SessionVisit.IN_PERSON
    return CalendarInvite(
        uid=calendar_feed.session_uid(f.session_id), sequence=f.sequence, method=method, start=f.start,
        end=f.end, summary=f"{_what(f).capitalize()} with {f.therapist_name}",
        organizer_name=f.therapist_name, organizer_email=f.therapist_email,
        attendee_name=f.client_name, attendee_email=f.client_email,
        location=(f.office_address if in_person else f.meeting_url),
        url=None if in_person else f.meeting_url,
        description=f"Manage or cancel: {manage_url}" if manage_url else None,
    )


@dataclass(frozen=True, slots=True)
class Links:
    """Built on COUCHTIME_PUBLIC_APP_URL."""

    base: str

    def _at(self, path: str) -> str:
        return f"{self.base.rstrip('/')}{path}"

    def portal(self) -> str:
        return self._at("/portal")

    def invite(self, token: str) -> str:
        return self._at(f"/portal/invite?token={token}")

    def unsubscribe(self, token: str) -> str:
        return self._at(f"/unsubscribe?token={token}")

    def manage(self, token: str) -> str:
        return self._at(f"/manage?token={token}")

    def booking_page(self, username: str) -> str:
        return self._at(f"/book/{username}")


def _session_for_client(f: SessionFactsForEmail, manage_url: str, subject: str,
                        news: str, *after: str) -> Email:
    """An email that puts the session (as it is now) in the client's calendar: the news, where,
    the manage link and a REQUEST invite at the session's current SEQUENCE."""
    lines, button = _where(f)
    return Email(
        to=f.client_email, subject=f"Your session with {f.therapist_name} {subject}",
        lines=(f"Hello {f.client_first_name},", news, *lines, *after),
        button=button, footer=(("Manage or cancel this booking", manage_url),),
        invite=_invite(f, InviteMethod.REQUEST, manage_url),
    )


def booking_for_client(f: SessionFactsForEmail, manage_url: str) -> Email:
    return _session_for_client(
        f, manage_url, "is booked",
        f"Your {_what(f)} with {f.therapist_name} is booked for {when(f, f.client_display_zone)}.",
        "You can cancel up to 24 hours before the start with the link below.")


def booking_for_therapist(f: SessionFactsForEmail) -> Email:
    lines, button = _where(f)
    return Email(
        to=f.therapist_email,
        subject=f"New booking: {f.client_name}",
        lines=(f"{f.client_name} booked a {_what(f)} for {when(f, f.therapist_zone)}.", *lines,
               "You will find them under New bookings."),
        button=button,
    )


def rescheduled_for_client(f: SessionFactsForEmail, manage_url: str) -> Email:
    return _session_for_client(
        f, manage_url, "has moved",
        f"{f.therapist_name} moved your {_what(f)} to {when(f, f.client_display_zone)}.")


def restored_for_client(f: SessionFactsForEmail, manage_url: str) -> Email:
    """An uncancelled session: back in the client's calendar (a REQUEST at a new SEQUENCE)."""
    return _session_for_client(
        f, manage_url, "is back on",
        f"{f.therapist_name} restored your {_what(f)} of {when(f, f.client_display_zone)}: "
        "it takes place as planned.")


def cancelled_by_therapist(f: SessionFactsForEmail) -> Email:
    return Email(
        to=f.client_email,
        subject=f"Your session with {f.therapist_name} is cancelled",
        lines=(f"Hello {f.client_first_name},",
               f"{f.therapist_name} cancelled your {_what(f)} of "
               f"{when(f, f.client_display_zone)}.",
               "Contact your therapist to find another time."),
        invite=_invite(f, InviteMethod.CANCEL, None),
    )


def cancellation_for_client(f: SessionFactsForEmail, rebook_url: str) -> Email:
    """The client cancelled with their manage link: confirm, and offer the booking page."""
    return Email(
        to=f.client_email,
        subject=f"Your session with {f.therapist_name} is cancelled",
        lines=(f"Hello {f.client_first_name},",
               f"You cancelled your {_what(f)} of {when(f, f.client_display_zone)}.",
               f"{f.therapist_name} has been told."),
        button=("Book another time", rebook_url),
        invite=_invite(f, InviteMethod.CANCEL, None),
    )


def cancelled_by_client(f: SessionFactsForEmail) -> Email:
    return Email(
        to=f.therapist_email,
        subject=f"{f.client_name} cancelled a session",
        lines=(f"{f.client_name} cancelled their {_what(f)} of "
               f"{when(f, f.therapist_zone)}.",
               "The time is free again on your booking page."),
    )


def reminder(f: SessionFactsForEmail, links: Links, unsubscribe_token: str, today: date) -> Email:
    """Never names the session type. The day before says "tomorrow at …"; `today` is the
    client's date when it is sent."""
    zone = f.client_display_zone
    lines, button = _where(f)
    return Email(
        to=f.client_email,
        subject=f"Reminder: your session with {f.therapist_name} "
                f"{wording.relative_when(f.start, zone, f.therapist_locale, today)}",
        lines=(f"Hello {f.client_first_name},",
               f"Your session with {f.therapist_name} is "
               f"{wording.relative_when(f.start, zone, f.therapist_locale, today)}.", *lines),
        button=button,
        footer=(("Open the portal", links.portal()),
                ("Stop these reminders", links.unsubscribe(unsubscribe_token))),
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


def sign_manage(key: bytes, session_id: UUID, client_email: str) -> str:
    """A manage-booking token: bound to the session and to the client's current address, so
    a corrected email voids the links sent before (nothing to store or revoke)."""
    return f"{session_id}.{_mac(key, f'{MANAGE}:{address_digest(client_email)}', session_id)}"


def manage_subject(token: str) -> UUID | None:
    """The session a manage token claims to be for (not yet verified)."""
    try:
        return UUID((token or "").strip().partition(".")[0])
    except ValueError:
        return None


def verify_manage(key: bytes, token: str, session_id: UUID, client_email: str) -> bool:
    return verify(key, f"{MANAGE}:{address_digest(client_email)}", token) == session_id


UNSUBSCRIBE = "unsubscribe-reminders"
MANAGE = "manage-booking"
INVITE = "portal-invite"
