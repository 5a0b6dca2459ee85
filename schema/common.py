"""Shared GraphQL pieces: the Relay Node interface, user errors, enums."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from domain import errors as domain_errors
from domain import model
from schema.cost import Bound, item_bound
from schema.enums import described

# The range arguments of the calendar's fields (sessions, conflicts, busy times, subscriptions).
RangeStart = Annotated[datetime, strawberry.argument(name="from", description="Range start, with a UTC "
                                                     "offset (else BAD_USER_INPUT).")]
RangeEnd = Annotated[datetime, strawberry.argument(description="Range end (exclusive), with a UTC offset.")]

# The page arguments of every Relay connection (clients, new bookings, a client's sessions, audit
# events, webhook deliveries); each field sets its own default page size.
PageSize = Annotated[int, strawberry.argument(
    description="Page size, 1–100; anything else is a BAD_USER_INPUT error (`field`: first).")]
PageAfter = Annotated[str | None, strawberry.argument(
    description="`pageInfo.endCursor` of the previous page; omit for the first page. A malformed "
    "cursor, or one whose item is gone, is a BAD_REQUEST error.")]

ErrorCode = described(
    "Why a mutation said no (in `userErrors`; nothing was changed). Stable: switch on these, not on "
    "messages. `field` names the input at fault.",
    INVALID="A value of the wrong shape for its field: a start without a UTC offset, a malformed "
    "date, a phone number, an idempotency key of the wrong length or spent (its booking was "
    "rejected since), reminder lead minutes other than 15/30/45, an Outlook sign-in `state` that is not "
    "yours or expired, `repeats` missing when repeating.",
    REQUIRED="A required field is empty: a name, a currency with a price or fee, a visit type when "
    "the event type offers both, a time of day for time off that is not all day.",
    TOO_LONG="Text longer than the field allows (the message says the limit).",
    TOO_SHORT="Reserved for text shorter than its minimum; not returned today (empty text is "
    "REQUIRED).",
    OUT_OF_RANGE="A number outside its bounds: an amount of money (negative or too large), session "
    "minutes, slot interval, booking horizon, a date outside the supported years.",
    NOT_FOUND="The ID names nothing you can reach: no such client, session, event type, series, "
    "time off or therapist, or one belonging to someone else (the two are not told apart).",
    INVALID_EMAIL="Not an email address (syntax only; no DNS lookup).",
    EMAIL_TAKEN="Sign-up or email change: another account already uses this email.",
    INVALID_USERNAME="The booking-page username is not 3–40 lowercase letters, digits and '-'.",
    USERNAME_RESERVED="The username is reserved (e.g. `admin`, `graphql`): choose another.",
    USERNAME_TAKEN="Another therapist already has this username.",
    INVALID_TIME_ZONE="Not an IANA time zone such as Europe/London.",
    INVALID_LOCALE="Not a locale Couchtime can format dates in, such as en_US, en_GB or de_DE.",
    PASSWORD_TOO_SHORT="The new password is shorter than the minimum length.",
    INVALID_CREDENTIALS="Sign-in (therapist or portal): the email or password is wrong (never says "
    "which); change password: the current password is wrong.",
    UNKNOWN_DAY="Weekly availability names no day of the week (use e.g. MONDAY).",
    INVALID_TIME="A time of day that is not HH:MM within the day.",
    INVALID_RANGE="An end not after its start: an availability slot, a time-off range, a query's "
    "`to` before `from`.",
    OVERLAPPING_SLOTS="Weekly availability: two slots of the same day overlap.",
    TOO_MANY_SLOTS="Weekly availability: more time slots in one day than allowed.",
    LIMIT_REACHED="A count limit is reached: e.g. at most 15 event types per therapist.",
    RANGE_TOO_LONG="A date range longer than allowed: a slot search or a time-off span.",
    SLOT_UNAVAILABLE="Public booking: the slot is no longer free (taken, blocked, or too soon).",
    OFFICE_ADDRESS_MISSING="An in-person visit needs the office address in your profile first "
    "(updateProfile).",
    VISIT_TYPE_NOT_ALLOWED="The chosen visit type (telehealth or in person) is not offered by this "
    "event type.",
    NOT_INTAKE="Accept, reject or merge: the client is no longer waiting in New bookings.",
    NOT_ACTIVE="The client must be active: scheduling a session for, or merging into, an intake "
    "client.",
    SESSION_CANCELLED="The session is cancelled: it cannot be moved, repeated or cancelled again "
    "(uncancel it first).",
    NOT_CANCELLED="Uncancel: the session is not cancelled.",
    UNKNOWN_CURRENCY="Not an ISO 4217 currency code we accept.",
    CURRENCY_MISMATCH="A payment in another currency than the session's fee.",
    NOT_IN_SERIES="Stop repeating: the session is not part of an active series.",
    OUTLOOK_NOT_CONFIGURED="Outlook sync is not set up on this server (its settings are unset).",
    TOO_LATE_TO_CANCEL="Client portal or manage link: the session starts in less than 24 hours, too "
    "soon to cancel online; contact the therapist.",
    INVALID_INVITE="Client portal: the invite link is not valid any more (unknown, used or expired).",
    INVALID_MANAGE_LINK="Manage-booking link: not one Couchtime signed, altered, or sent to an email "
    "address the client no longer has.",
    MANAGE_LINK_EXPIRED="Manage-booking link: the session has ended, so the link no longer works.",
    IDEMPOTENCY_KEY_REUSED="Public booking: this idempotency key was used with different booking "
    "details (use a new key for each booking).",
    INVALID_RESET_LINK="Password reset: the link is unknown, used or expired.",
    OUTLOOK_CONNECT_FAILED="Outlook connection: Microsoft refused the sign-in code or could not be "
    "reached; start again.",
    INVALID_CHARACTERS="Text with control characters or invalid Unicode (lone surrogates).",
    PASSWORD_TOO_WEAK="The new password is too easy to guess (zxcvbn score too low).",
    PRIVATE_ADDRESS="Webhooks: the URL points at a private, loopback or link-local address, which "
    "this server does not call.",
    WEBHOOKS_NOT_CONFIGURED="Webhooks are not set up on this server (COUCHTIME_SECRET_KEYS is unset).",
    INVALID_WAITLIST_LINK="Waitlist link: not one Couchtime signed, or altered.",
    HOLD_EXPIRED="Waitlist offer: its 15 minutes passed; the time went to the next person waiting.",
    HOLD_ENDED="Waitlist offer: no longer open (you left the waitlist, or the therapist removed you).",
    NOT_WAITING="Waitlist: the entry is no longer on the waitlist (booked, left, removed or lapsed).",
)(domain_errors.ErrorCode)
VisitType = described(
    "Where sessions of an event type may take place.",
    TELEHEALTH_AND_IN_PERSON="The booker chooses telehealth or in person.",
    TELEHEALTH_ONLY="Video sessions only.",
    IN_PERSON_ONLY="At the office only.",
)(model.VisitType)
CalendarView = described(
    "The calendar layout.",
    MONTH="Month grid: a drop keeps the session's local start time and changes the day.",
    WEEK="Week grid: a drop moves the session to the dropped time, snapped to 15 minutes.",
)(model.CalendarView)


@described(
    "Days of the week, Monday first (ISO 8601).",
    MONDAY="Monday.", TUESDAY="Tuesday.", WEDNESDAY="Wednesday.", THURSDAY="Thursday.",
    FRIDAY="Friday.", SATURDAY="Saturday.", SUNDAY="Sunday.",
)
class Weekday(Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@strawberry.interface(description="An object with a global ID (Relay). Fetch any with `node`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")


# Descriptions of the contact fields a booking and a hand-made client share (one wording).
NAME_RULE = "1–100 characters. One line: no control characters or line breaks (else INVALID_CHARACTERS)."
EMAIL_RULE = "A real address (email-validator's rules, no DNS check; else INVALID_EMAIL); stored lower-case."
PHONE_RULE = "Optional: digits, spaces and + ( ) . / - (3–40 characters)."

MAX_USER_ERRORS = 20  # a payload lists at most this many (the first found); see user_errors()


@strawberry.type(description="Something wrong with a mutation's input; nothing was changed. A payload "
                 f"lists at most {MAX_USER_ERRORS} (the first found). Cost: a `userErrors` list counts "
                 f"as {MAX_USER_ERRORS}.")
class UserError:
    field: list[str] = strawberry.field(
        description="Path to the input field at fault, e.g. [\"slots\", \"2\", \"end\"]; "
        "empty when the error concerns the whole input."
    )
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="Readable explanation, safe to show.")

    @classmethod
    def from_domain(cls, error: domain_errors.UserError) -> UserError:
        return cls(field=list(error.field), code=error.code, message=error.message)


def user_errors(errors: list[domain_errors.UserError]) -> list[UserError]:
    """The payload's userErrors: the first MAX_USER_ERRORS (20,000 bad slots in one input give
    20 errors, not 20,000: nothing is stored either way)."""
    return [UserError.from_domain(e) for e in errors[:MAX_USER_ERRORS]]


item_bound("UserError", Bound(items=MAX_USER_ERRORS))


@strawberry.type(description="An amount of money in minor units (cents).")
class Money:
    amount_cents: int = strawberry.field(description="Amount in cents (minor units).")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD.")

    @classmethod
    def of(cls, cents: int | None, currency: str | None) -> Money | None:
        return cls(amount_cents=cents, currency=currency) if cents is not None and currency else None
