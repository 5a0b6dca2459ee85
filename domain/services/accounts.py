"""Use cases for therapist accounts: sign up, sign in, sign out, profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import accounts, text, tokens, wording
from domain.booking import horizon_errors
from domain.errors import ErrorCode, RateLimited, RuleViolation, UserError
from domain.events import ProfileUpdated, SignedOut, TherapistSignedUp
from domain.model import CalendarView, OfficeAddress, Therapist
from domain.ports.outside_world import Clock, PasswordHasher, RateLimiter
from domain.ports.unit_of_work import UnitOfWork
from domain.services import time_off


@dataclass(frozen=True)
class SignUp:
    email: str
    password: str
    display_name: str
    username: str
    time_zone: str


@dataclass(frozen=True)
class SignInLimits:
    """Attempts per window, keyed on the submitted (normalized) email whether or not an account
    has it, so a limit reveals nothing. Checked in this order, and an attempt refused by one
    counts against none after it: per client address; per (email, address), which stops one
    address guessing one account; per email across all addresses, a high ceiling against a
    guessing botnet. Wrong guesses from other addresses therefore do not lock the owner out
    until the ceiling is reached."""

    per_email_and_address: int = 10
    per_address: int = 30
    per_email: int = 100
    window_seconds: int = 900


@dataclass(frozen=True)
class SignUpLimits:
    per_address: int = 10
    window_seconds: int = 3600


async def check_sign_in_limits(
    limiter: RateLimiter, limits: SignInLimits, *, scope: str, email: str, client_address: str
) -> None:
    """Counts one sign-in attempt; RateLimited when a limit is spent (see SignInLimits)."""
    for key, limit in (
        (tokens.rate_key("signin-address", client_address), limits.per_address),
        (tokens.rate_key(f"{scope}-email-address", email, client_address), limits.per_email_and_address),
        (tokens.rate_key(f"{scope}-email", email), limits.per_email),
    ):
        retry_after = await limiter.hit(key, limit, limits.window_seconds)
        if retry_after is not None:
            raise RateLimited(retry_after)


def sign_in_password(password: str) -> str | None:
    """The password to verify, or None when it cannot match any account (over-long, or not
    text): decided before any lookup, the same for everyone, and such a sign-in still does the
    work of one verify (against the stand-in hash) so that it takes as long as any other."""
    if len(password) > accounts.MAX_PASSWORD_LENGTH or not text.encodable(password):
        return None
    return password


@dataclass(frozen=True)
class ProfileChanges:
    """None means "leave as it is"; `office_address` may be cleared with `clear_office_address`."""

    display_name: str | None = None
    username: str | None = None
    time_zone: str | None = None
    office_address: OfficeAddress | None = None
    clear_office_address: bool = False
    booking_horizon_days: int | None = None
    clear_booking_horizon: bool = False
    locale: str | None = None


async def _issue_token(uow: UnitOfWork, clock: Clock, therapist_id: UUID, ttl: timedelta) -> str:
    plain, digest = tokens.new_token(tokens.THERAPIST)
    now = clock.now()
    await uow.tokens.add(
        token_hash=digest, kind=tokens.THERAPIST, subject_id=therapist_id, created_at=now,
        expires_at=now + ttl,
    )
    return plain


async def sign_up(
    uow: UnitOfWork, hasher: PasswordHasher, limiter: RateLimiter, clock: Clock, cmd: SignUp, *,
    token_ttl: timedelta, client_address: str, limits: SignUpLimits = SignUpLimits(),
    policy: accounts.PasswordPolicy = accounts.PasswordPolicy(),
) -> tuple[Therapist, str]:
    """Every attempt counts against the address's sign-up limit, valid or not."""
    retry_after = await limiter.hit(
        tokens.rate_key("signup-address", client_address), limits.per_address, limits.window_seconds
    )
    if retry_after is not None:
        raise RateLimited(retry_after)
    email = accounts.normalize_email(cmd.email)
    username = accounts.normalize_username(cmd.username)
    errors = [
        *accounts.email_errors(cmd.email),
        *accounts.text_errors(
            cmd.display_name, ("displayName",), max_length=accounts.MAX_DISPLAY_NAME
        ),
        *accounts.username_errors(username),
        *accounts.time_zone_errors(cmd.time_zone),
    ]
    errors += accounts.password_errors(
        cmd.password, policy=policy, user_inputs=(email, cmd.display_name, username)
    )
    if errors:
        raise RuleViolation(errors)
    time_zone = accounts.canonical_time_zone(cmd.time_zone)
    assert time_zone is not None
    password_hash = await hasher.hash(cmd.password)
    async with uow:
        if await uow.therapists.email_taken(email):
            raise RuleViolation.one(
                ("email",), ErrorCode.EMAIL_TAKEN, "An account with this email already exists."
            )
        if await uow.therapists.username_taken(username):
            raise RuleViolation.one(
                ("username",), ErrorCode.USERNAME_TAKEN, "This username is taken."
            )
        therapist = Therapist(
            id=uuid.uuid4(), email=email, password_hash=password_hash,
            display_name=cmd.display_name.strip(), username=username, time_zone=time_zone,
            office_address=None, calendar_view=CalendarView.WEEK, created_at=clock.now(),
        )
        await uow.therapists.add(therapist)
        token = await _issue_token(uow, clock, therapist.id, token_ttl)
        uow.record(TherapistSignedUp(therapist.id))
        await uow.commit()
    return therapist, token


@dataclass(frozen=True)
class SignIn:
    email: str
    password: str


@dataclass(frozen=True)
class SignOut:
    """Revoke the token the request carries (the caller's): nothing else to say."""


async def sign_in(
    uow: UnitOfWork, hasher: PasswordHasher, limiter: RateLimiter, clock: Clock, command: SignIn, *,
    client_address: str, limits: SignInLimits, token_ttl: timedelta,
) -> tuple[Therapist, str]:
    """Wrong password and unknown email fail alike and in the same time (no enumeration): each
    sign-in does exactly one Argon2 verify — against the account's hash, or against a stand-in
    hash made once when there is no account or the password cannot match (over 1,024
    characters, or not text; decided before any lookup)."""
    email, password = accounts.normalize_email(command.email), command.password
    await check_sign_in_limits(limiter, limits, scope="signin", email=email, client_address=client_address)
    candidate = sign_in_password(password)
    if candidate is None:
        await hasher.verify_stand_in(text.scrub(password[: accounts.MAX_PASSWORD_LENGTH]))
        raise _bad_credentials()
    therapist = None
    if not text.has_bad_characters(email):  # no account has such an email: nothing to look up
        async with uow:  # no transaction is held while hashing: it may wait for the hasher
            therapist = await uow.therapists.by_email(email)
    if therapist is None:
        await hasher.verify_stand_in(candidate)
        raise _bad_credentials()
    if not await hasher.verify(therapist.password_hash, candidate):
        raise _bad_credentials()
    async with uow:
        token = await _issue_token(uow, clock, therapist.id, token_ttl)
        await uow.commit()
    return therapist, token


def _bad_credentials() -> RuleViolation:
    return RuleViolation(
        [UserError(("email",), ErrorCode.INVALID_CREDENTIALS, "Email or password is incorrect.")]
    )


async def sign_out(uow: UnitOfWork, clock: Clock, token: str | None) -> bool:
    """Signing out twice, or without a token, is harmless: False, nothing written."""
    if not token:
        return False
    digest = tokens.hash_token(token)
    async with uow:
        subject = await uow.tokens.revoke(digest, clock.now())
        if subject is not None:
            uow.record(SignedOut(subject, digest))
        await uow.commit()
    return subject is not None


def _address_errors(address: OfficeAddress) -> list[UserError]:
    errors: list[UserError] = []
    for name in ("street", "city", "state", "zip"):
        errors += accounts.text_errors(
            getattr(address, name), ("officeAddress", name), max_length=accounts.MAX_ADDRESS_PART
        )
    return errors


async def update_profile(uow: UnitOfWork, therapist_id: UUID, changes: ProfileChanges) -> Therapist:
    username = (
        accounts.normalize_username(changes.username) if changes.username is not None else None
    )
    errors: list[UserError] = []
    if changes.display_name is not None:
        errors += accounts.text_errors(
            changes.display_name, ("displayName",), max_length=accounts.MAX_DISPLAY_NAME
        )
    if username is not None:
        errors += accounts.username_errors(username)
    if changes.time_zone is not None:
        errors += accounts.time_zone_errors(changes.time_zone)
    if changes.office_address is not None:
        errors += _address_errors(changes.office_address)
    errors += horizon_errors(changes.booking_horizon_days)
    locale = wording.normalize_locale(changes.locale) if changes.locale is not None else None
    if changes.locale is not None and locale is None:
        errors.append(UserError(("locale",), ErrorCode.INVALID_LOCALE,
                                "Use a locale such as en_US, en_GB or de_DE."))
    if errors:
        raise RuleViolation(errors)
    async with uow:
        therapist = await uow.therapists.get(therapist_id, for_update=True)
        if therapist is None:
            raise RuleViolation.one((), ErrorCode.NOT_FOUND, "Account not found.")
        if username is not None and username != therapist.username:
            if await uow.therapists.username_taken(username, except_id=therapist_id):
                raise RuleViolation.one(
                    ("username",), ErrorCode.USERNAME_TAKEN, "This username is taken."
                )
            therapist.username = username
        if changes.display_name is not None:
            therapist.display_name = changes.display_name.strip()
        zone = accounts.canonical_time_zone(changes.time_zone) if changes.time_zone else None
        if zone is not None and zone != therapist.time_zone:
            therapist.time_zone = zone
            await time_off.rezone(uow, therapist_id, ZoneInfo(zone))
        if locale is not None:
            therapist.locale = locale
        if changes.clear_booking_horizon:
            therapist.booking_horizon_days = None
        elif changes.booking_horizon_days is not None:
            therapist.booking_horizon_days = changes.booking_horizon_days
        if changes.clear_office_address:
            therapist.office_address = None
        elif changes.office_address is not None:
            therapist.office_address = OfficeAddress(
                *(getattr(changes.office_address, n).strip() for n in ("street", "city", "state", "zip"))
            )
        await uow.therapists.save(therapist)
        uow.record(ProfileUpdated(therapist_id))
        await uow.commit()
    return therapist
