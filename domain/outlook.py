"""Outlook sync rules: what an Outlook event says about a session, when it is created, patched
or deleted, and the OAuth rules (PKCE, single-use expiring state) of connecting an account.

Minimal PHI by default: an event carries the event type's title and the client's initials
(the full name only when the practice turns `COUCHTIME_OUTLOOK_FULL_NAMES` on), the meeting
link of a telehealth session, and is marked private. No email, phone, note or reason ever.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.events import (
    BookingReceived,
    ClientChanged,
    DomainEvent,
    EventTypeChanged,
    IntakeResolved,
    SessionChanged,
)
from domain.job_names import RESYNC_JOB, SYNC_JOB
from domain.model import Client, EventType, Session, SessionVisit, Therapist

# offline_access: a refresh token; Calendars.ReadWrite: /me/events; User.Read: /me (the account)
SCOPES = ("offline_access", "openid", "profile", "User.Read", "Calendars.ReadWrite")
STATE_TTL = timedelta(minutes=10)  # a sign-in not finished by then starts again
REFRESH_SKEW = timedelta(minutes=2)  # refresh an access token this long before it expires
LEASE = timedelta(minutes=5)  # one sync of one session at a time; a crashed one frees it then

# Our mark on events we create: a single-value extended property holding the session ID, so a
# retried create finds the event a lost response already made (and a reconnect finds its own).
SESSION_PROPERTY_ID = "String {5c6f5a1e-4b7d-4d0e-9a49-2f0f8f3b7c21} Name CouchtimeSessionId"


# --- connecting: PKCE and state --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pkce:
    verifier: str  # stays on the server (encrypted), sent only with the code exchange
    challenge: str  # S256 of the verifier, sent in the authorize URL


def new_pkce() -> Pkce:
    """RFC 7636: a 43–128 character verifier (here 86) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    return Pkce(verifier, challenge_of(verifier))


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    """An unguessable value binding the callback to one connect attempt of one therapist."""
    return secrets.token_urlsafe(32)


def state_digest(state: str) -> str:
    """States are stored hashed (like bearer tokens): the database never holds a live one."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class PendingConnect:
    """A connect attempt: single use (taken once by the callback) and expiring."""

    state_hash: str
    therapist_id: UUID
    verifier_sealed: str  # the PKCE verifier, encrypted with the SecretBox
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


# --- tokens and the integration --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutlookTokens:
    """What the token endpoint granted. Only ever stored encrypted (`to_bytes` → SecretBox)."""

    access_token: str
    refresh_token: str
    expires_at: datetime

    def fresh(self, now: datetime) -> bool:
        return now + REFRESH_SKEW < self.expires_at

    def to_bytes(self) -> bytes:
        return json.dumps(
            {"a": self.access_token, "r": self.refresh_token, "e": self.expires_at.isoformat()}
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> OutlookTokens:
        data = json.loads(raw.decode("utf-8"))
        return cls(data["a"], data["r"], datetime.fromisoformat(data["e"]).astimezone(UTC))

    def __repr__(self) -> str:  # never print a token, even by accident
        return f"OutlookTokens(expires_at={self.expires_at.isoformat()})"


@dataclass(frozen=True, slots=True)
class Grant:
    """A successful token response. A refresh may omit the refresh token (keep the old one)."""

    access_token: str
    refresh_token: str | None
    expires_in: int

    def tokens(self, now: datetime, previous_refresh: str | None = None) -> OutlookTokens:
        refresh = self.refresh_token or previous_refresh
        if not refresh:
            raise OutlookRejected("no refresh token was granted (is offline_access consented?)")
        return OutlookTokens(self.access_token, refresh, now + timedelta(seconds=self.expires_in))

    def __repr__(self) -> str:
        return f"Grant(expires_in={self.expires_in})"


@dataclass(slots=True)
class OutlookIntegration:
    """One therapist's Outlook connection. `tokens_sealed` is None when disconnected."""

    therapist_id: UUID
    account: str | None = None
    tokens_sealed: str | None = None
    token_version: int = 0  # bumped on each token change: concurrent refreshes compare-and-set
    connected_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_error: str | None = None

    @property
    def connected(self) -> bool:
        return self.tokens_sealed is not None

    def disconnect(self, reason: str | None) -> None:
        self.tokens_sealed = None
        self.token_version += 1
        self.last_error = reason


# Readable `lastError` texts: safe to show, never echoing a token, a name or Graph's message.
REVOKED = ("Microsoft no longer accepts Couchtime's access to this Outlook account (it was revoked "
           "or expired). Connect Outlook again; your Couchtime calendar is unaffected.")
UNREADABLE = ("The stored Outlook credentials cannot be read with this server's secret keys. "
              "Connect Outlook again.")
UNAVAILABLE = "Outlook did not answer (throttled or unavailable); Couchtime keeps retrying."
REJECTED = "Outlook refused an update of your calendar (HTTP {status}); it is not retried."


# --- what an Outlook event says --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutlookEvent:
    session_id: UUID
    subject: str
    start: datetime
    end: datetime
    body: str
    location: str | None
    online_meeting_url: str | None

    def content_hash(self) -> str:
        """Changes when anything we would send changes: equal hashes skip the PATCH."""
        raw = json.dumps([
            self.subject, self.start.astimezone(UTC).isoformat(), self.end.astimezone(UTC).isoformat(),
            self.body, self.location, self.online_meeting_url,
        ])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def initials(client: Client) -> str:
    """"Ann Lee" → "A.L."; the first letter of each name part ("Mary Ann" → "M.A.")."""
    parts = f"{client.first_name} {client.last_name}".split()
    return "".join(f"{p[0].upper()}." for p in parts if p) or "Client"


def event_for(session: Session, event_type: EventType, client: Client, therapist: Therapist, *,
              full_names: bool = False) -> OutlookEvent:
    who = f"{client.first_name} {client.last_name}".strip() if full_names else initials(client)
    telehealth = session.visit is SessionVisit.TELEHEALTH
    if telehealth:
        body = f"Video session: {session.meeting_url}\n\nScheduled in Couchtime."
        location = "Video session"
    else:
        address = therapist.office_address
        location = (f"{address.street}, {address.city}, {address.state} {address.zip}".strip()
                    if address else "In person")
        body = "In-person session.\n\nScheduled in Couchtime."
    return OutlookEvent(
        session_id=session.id, subject=f"{event_type.title} · {who}", start=session.start,
        end=session.end, body=body, location=location,
        online_meeting_url=session.meeting_url if telehealth else None,
    )


# --- which call a sync makes -----------------------------------------------------------------


@dataclass(slots=True)
class EventLink:
    """A session's Outlook event. It outlives the session row until Outlook's copy is gone."""

    session_id: UUID
    therapist_id: UUID
    graph_event_id: str | None = None
    content_hash: str | None = None
    transaction_id: str | None = None  # a create in flight (or lost): look before creating
    synced_at: datetime | None = None


class SyncAction(StrEnum):
    CREATE = "CREATE"
    PATCH = "PATCH"
    DELETE = "DELETE"
    NOTHING = "NOTHING"


def plan(session: Session | None, link: EventLink | None, event: OutlookEvent | None) -> SyncAction:
    """Create when a scheduled session has no event; patch when what we would send changed;
    delete when the session is cancelled or gone (a create that may have happened counts)."""
    has_event = link is not None and (link.graph_event_id is not None or link.transaction_id is not None)
    if session is None or session.cancelled:
        return SyncAction.DELETE if has_event else SyncAction.NOTHING
    if link is None or link.graph_event_id is None:
        return SyncAction.CREATE
    if event is not None and link.content_hash == event.content_hash():
        return SyncAction.NOTHING
    return SyncAction.PATCH


# --- errors of the outside world, as the domain sees them -------------------------------------


class OutlookError(Exception):
    """Base of the gateway's errors. Messages hold status codes only: no body, no token."""


class OutlookUnauthorized(OutlookError):
    """Graph answered 401: the access token is not (or no longer) accepted."""


class OutlookGrantRevoked(OutlookError):
    """The token endpoint answered invalid_grant: the refresh token or code is dead."""


class OutlookUnavailable(OutlookError):
    """Throttled (429) or down (5xx, network) after the gateway's own retries: retry later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutlookRejected(OutlookError):
    """A 4xx other than 401/404/429: retrying the same request would fail the same way."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# --- which jobs a change needs -----------------------------------------------------------------


def jobs_for_event(event: DomainEvent) -> list[tuple[str, dict]]:
    """Outbox rule: a session change syncs that session; a change that alters many events'
    text or removes sessions without a SessionChanged (a client renamed, merged or rejected,
    an event type renamed) resyncs the therapist. The actors no-op without a connection."""
    therapist = str(event.therapist_id)
    if isinstance(event, SessionChanged | BookingReceived):
        return [(SYNC_JOB, {"session_id": str(event.session_id), "therapist_id": therapist})]
    if isinstance(event, ClientChanged | EventTypeChanged):
        return [(RESYNC_JOB, {"therapist_id": therapist})]
    if isinstance(event, IntakeResolved) and event.action in ("REJECTED", "MERGED"):
        return [(RESYNC_JOB, {"therapist_id": therapist})]
    return []
