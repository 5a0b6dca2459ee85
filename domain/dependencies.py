"""The one dependency container: every port and option a use case may need, built once per
process (and event loop) by `couchtime/wiring.py` and handed to the API (on every request's
`Context`, as `services`) and to the actors (as `deps`).

It lives in the domain because both the API layers and the workers may import it, and neither
may import the other. The database handle stays opaque here (`Db`): the read models that use it
are in persistence, so the layers above name it `Dependencies[Database]`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from domain.accounts import PasswordPolicy
from domain.ports.outside_world import Clock, LiveEvents, PasswordHasher, RateLimiter, VideoRooms
from domain.ports.unit_of_work import UnitOfWork
from domain.services.accounts import SignInLimits, SignUpLimits
from domain.services.booking import BookingLimits
from domain.services.notifications import NotificationSetup
from domain.services.outlook_connection import OutlookSetup
from domain.services.series import SeriesPolicy
from domain.services.webhooks import WebhookSetup

Db = TypeVar("Db")


@dataclass(frozen=True)
class Config:
    """The settings use cases and actors read (couchtime.settings has where each comes from)."""

    public_app_url: str
    token_ttl: timedelta
    signin_limits: SignInLimits
    booking_limits: BookingLimits
    signup_limits: SignUpLimits = SignUpLimits()
    password_policy: PasswordPolicy = PasswordPolicy()
    series_policy: SeriesPolicy = SeriesPolicy()
    extend_batch: int = 500  # series materialised per transaction
    audit_retention_days: int = 6 * 365 + 2  # COUCHTIME_AUDIT_RETENTION_DAYS; 0 = kept for ever


@dataclass(frozen=True)
class Dependencies(Generic[Db]):
    """Ports wired to adapters by the composition root; one per process and event loop (the
    API's, or the actors')."""

    db: Db  # the database the read models query (persistence.database.Database)
    uow: Callable[[], UnitOfWork]  # a fresh unit of work per use case
    clock: Clock
    rooms: VideoRooms
    hasher: PasswordHasher
    limiter: RateLimiter
    notifications: NotificationSetup  # email, reminders, the client portal's links
    outlook: OutlookSetup  # Outlook sync (not offered until configured)
    config: Config
    live: LiveEvents | None = None  # the event bus live subscriptions listen on (the API's)
    close: Callable[[], Awaitable[None]] | None = None  # what the actors' process closes at exit
    # the API's cache of therapist-token answers (persistence.read_models.auth.TokenCache; README "Token
    # checks"), emptied through the bus on every revocation; None = ask the database every time
    token_cache: object | None = None
    webhooks: WebhookSetup = WebhookSetup()  # endpoints' secret box, the signing sender, URL rule
