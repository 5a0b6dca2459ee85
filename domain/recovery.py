"""Password recovery rules: a reset link is single use, lives one hour, and opens one account.

The link carries the reset's ID signed with COUCHTIME_SIGNING_KEY (HMAC-SHA256, purpose
"password-reset", like invite and unsubscribe links): unforgeable and good for nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.notifications import Email

RESET_TTL = timedelta(hours=1)
RESET = "password-reset"  # the signing purpose
PASSWORD_RESET_EMAIL = "password_reset"  # the email log's kind (one email per reset)


@dataclass(slots=True)
class PasswordReset:
    """`subject_id` is None when nobody had the requested email: the request did the same
    work (so its answer and its time say nothing), and the row opens nothing."""

    id: UUID
    kind: str  # domain.tokens.THERAPIST | CLIENT
    subject_id: UUID | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.subject_id is not None and self.used_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class ResetFacts:
    """What the reset email may use: the address and a greeting; no PHI beyond that."""

    reset: PasswordReset
    to: str
    name: str
    therapist_name: str | None  # a portal client's therapist


def reset_link(base: str, token: str, *, portal: bool) -> str:
    path = "/portal/reset-password" if portal else "/reset-password"
    return f"{base.rstrip('/')}{path}?token={token}"


def reset_email(facts: ResetFacts, link: str) -> Email:
    whose = (f"your client portal account with {facts.therapist_name}" if facts.therapist_name
             else "your Couchtime account")
    return Email(
        to=facts.to,
        subject="Reset your password",
        lines=(f"Hello {facts.name},",
               f"Someone (hopefully you) asked to reset the password of {whose}.",
               "The link works once and for 1 hour. Setting a new password signs out every device.",
               "If you did not ask for this, ignore this email: your password stays as it is."),
        button=("Choose a new password", link),
    )
