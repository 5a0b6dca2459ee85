"""What the waitlist's emails say (domain/notifications.py's `Email`): the client's own first
name, the therapist's display name, times in the client's zone worded in the therapist's locale,
the event type's title only where the therapist turned `nameInEmails` on, and links that carry
only a signed token. Every one has the link to leave the waitlist."""

from __future__ import annotations

from domain import wording
from domain.model import EventType, Therapist
from domain.notifications import Email, Links, session_word
from domain.waitlist import HOLD_MINUTES, SlotHold, WaitlistEntry


class WaitlistLinks:
    """The claim page and the leave page, on COUCHTIME_PUBLIC_APP_URL."""

    def __init__(self, links: Links) -> None:
        self.base = links.base.rstrip("/")

    def claim(self, token: str) -> str:
        return f"{self.base}/waitlist/offer?token={token}"

    def leave(self, token: str) -> str:
        return f"{self.base}/waitlist/leave?token={token}"


def what(event_type: EventType) -> str:
    return session_word(event_type.title, event_type.name_in_emails)


def joined(entry: WaitlistEntry, therapist: Therapist, event_type: EventType, leave_url: str) -> Email:
    first = wording.day(entry.first_date, therapist.locale)
    last = wording.day(entry.last_date, therapist.locale)
    return Email(
        to=entry.email,
        subject=f"You're on {therapist.display_name}'s waitlist",
        lines=(f"Hello {entry.first_name},",
               f"You're on the waitlist for a {what(event_type)} with {therapist.display_name} "
               f"between {first} and {last}.",
               f"When a time frees up, we'll email you a link that holds it for you for {HOLD_MINUTES} "
               "minutes. If you don't claim it, it goes to the next person waiting."),
        footer=(("Leave the waitlist", leave_url),),
    )


def offer(entry: WaitlistEntry, hold: SlotHold, therapist: Therapist, event_type: EventType,
          claim_url: str, leave_url: str) -> Email:
    when = wording.when(hold.start, entry.time_zone, therapist.locale)
    until = wording.clock_time(hold.expires_at, entry.time_zone, therapist.locale)
    return Email(
        to=entry.email,
        subject=f"A time with {therapist.display_name} is held for you",
        lines=(f"Hello {entry.first_name},",
               f"A {what(event_type)} with {therapist.display_name} is free on {when}.",
               f"It is held for you alone until {until} ({HOLD_MINUTES} minutes). Claim it with the "
               "button; after that it goes to the next person waiting."),
        button=("Claim this time", claim_url),
        footer=(("Leave the waitlist", leave_url),),
    )
