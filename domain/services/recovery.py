"""Account recovery for therapists and portal clients: change the password (the current one
required), reset it through an emailed link, and revoke the account's tokens when it changes.

A revoked token is announced as `SignedOut` (one event per token) after commit: its live
subscriptions end and every API process closes its open sockets with 4403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain import accounts, notifications, tokens
from domain.errors import ErrorCode, RateLimited, RuleViolation
from domain.events import SignedOut
from domain.ports.outside_world import Clock, PasswordHasher, RateLimiter
from domain.ports.repositories import PasswordResetRepository
from domain.ports.unit_of_work import UnitOfWork
from domain.recovery import (
    PASSWORD_RESET_EMAIL,
    PASSWORD_RESET_JOB,
    RESET,
    RESET_TTL,
    PasswordReset,
    reset_email,
    reset_link,
)
from domain.services.accounts import SignInLimits
from domain.services.notifications import NotificationSetup, deliver


async def revoke_tokens(
    uow: UnitOfWork, subject_id: UUID, kind: str, at: datetime, *, announce_as: UUID,
    keep: str | None = None,
) -> int:
    """Revoke every live token of the account but `keep`; announce each after commit.
    `announce_as` is the practice (therapist) whose live streams should hear it."""
    hashes = await uow.tokens.revoke_all(subject_id, kind, at, keep=keep)
    for digest in hashes:
        uow.record(SignedOut(announce_as, digest))
    return len(hashes)


# --- change the password (signed in) -----------------------------------------------------------


@dataclass(frozen=True)
class PasswordChange:
    kind: str  # tokens.THERAPIST | tokens.CLIENT: whose token asked
    subject_id: UUID  # the therapist, or the portal client
    practice_id: UUID  # the therapist (of the client): whose live streams hear the revocations
    token_hash: str  # the token that asked: it stays signed in
    current_password: str
    new_password: str


def _wrong_current() -> RuleViolation:
    return RuleViolation.one(("currentPassword",), ErrorCode.INVALID_CREDENTIALS,
                             "The current password is not correct.")


async def change_password(
    uow: UnitOfWork, setup: NotificationSetup, hasher: PasswordHasher, limiter: RateLimiter,
    clock: Clock, cmd: PasswordChange, *, limits: SignInLimits,
    policy: accounts.PasswordPolicy = accounts.PasswordPolicy(),
) -> int:
    """The current password is required (and guessing it is rate-limited like signIn); the new
    one follows the sign-up rules. Every other token of the account is revoked (their sockets
    close); the asking token stays. Returns how many tokens were revoked."""
    errors = accounts.password_errors(cmd.new_password, ("newPassword",), policy=policy)
    if errors:
        raise RuleViolation(errors)
    retry_after = await limiter.hit(tokens.rate_key("change-password", str(cmd.subject_id)),
                                    limits.per_email_and_address, limits.window_seconds)
    if retry_after is not None:
        raise RateLimited(retry_after)
    if len(cmd.current_password) > accounts.MAX_PASSWORD_LENGTH:
        raise _wrong_current()
    new_hash = await hasher.hash(cmd.new_password)
    async with uow:
        now = clock.now()
        if cmd.kind == tokens.THERAPIST:
            therapist = await uow.therapists.get(cmd.subject_id, for_update=True)
            if therapist is None or not await hasher.verify(therapist.password_hash, cmd.current_password):
                raise _wrong_current()
            therapist.password_hash = new_hash
            await uow.therapists.save(therapist)
        else:
            assert setup.portal is not None
            repo = setup.portal(uow)
            account = await repo.account(cmd.subject_id, for_update=True)
            if account is None or not account.password_hash or not await hasher.verify(
                account.password_hash, cmd.current_password
            ):
                raise _wrong_current()
            account.password_hash = new_hash
            await repo.save_account(account)
        revoked = await revoke_tokens(uow, cmd.subject_id, cmd.kind, now,
                                      announce_as=cmd.practice_id, keep=cmd.token_hash)
        await _resets(setup, uow).use_all(cmd.kind, cmd.subject_id, now)  # open links die too
        await uow.commit()
    return revoked


# --- reset by email ----------------------------------------------------------------------------


def _resets(setup: NotificationSetup, uow: UnitOfWork) -> PasswordResetRepository:
    assert setup.resets is not None
    return setup.resets(uow)


async def request_reset(
    uow: UnitOfWork, setup: NotificationSetup, limiter: RateLimiter, clock: Clock, *,
    email: str, kind: str, client_address: str, limits: SignInLimits,
) -> None:
    """Emails a reset link to the account with this email, if there is one. The answer is the
    same either way, and so is the work: one lookup, one reset row (that opens nothing when
    nobody had the email), one outbox job, one commit; the email itself goes out from a job.
    Rate-limited per email (whether or not it exists) and per client address."""
    email = accounts.normalize_email(email)
    for key, limit in ((tokens.rate_key("reset-email", kind, email), limits.per_email_and_address),
                       (tokens.rate_key("reset-address", client_address), limits.per_address)):
        retry_after = await limiter.hit(key, limit, limits.window_seconds)
        if retry_after is not None:
            raise RateLimited(retry_after)
    if accounts.email_errors(email):
        return  # not an address: nothing to send, and nothing said about it
    async with uow:
        subjects: list[UUID | None]
        if kind == tokens.THERAPIST:
            therapist = await uow.therapists.by_email(email)
            subjects = [therapist.id if therapist else None]
        else:
            assert setup.portal is not None
            found = await setup.portal(uow).active_accounts_by_email(email)
            subjects = [a.client_id for a in found] or [None]  # one per portal account
        now = clock.now()
        repo = _resets(setup, uow)
        for subject in subjects:
            reset = PasswordReset(uuid.uuid4(), kind, subject, now, now + RESET_TTL)
            await repo.add(reset)
            uow.enqueue(PASSWORD_RESET_JOB, {"reset_id": str(reset.id)})
        await uow.commit()


def _invalid_link() -> RuleViolation:
    return RuleViolation.one(("token",), ErrorCode.INVALID_RESET_LINK,
                             "This reset link is not valid any more. Ask for a new one.")


async def reset_password(
    uow: UnitOfWork, setup: NotificationSetup, hasher: PasswordHasher, clock: Clock, *,
    token: str, new_password: str, token_ttl: timedelta,
    policy: accounts.PasswordPolicy = accounts.PasswordPolicy(),
) -> tuple[str, str]:
    """Sets the new password, uses up every open reset link of the account and revokes all of
    its tokens (every device is signed out, open sockets close); returns (kind, a new token)."""
    errors = accounts.password_errors(new_password, ("newPassword",), policy=policy)
    if errors:
        raise RuleViolation(errors)
    reset_id = notifications.verify(setup.signing_key, RESET, token)
    if reset_id is None:
        raise _invalid_link()
    new_hash = await hasher.hash(new_password)
    async with uow:
        repo = _resets(setup, uow)
        reset = await repo.get(reset_id, for_update=True)
        now = clock.now()
        if reset is None or not reset.usable(now) or reset.subject_id is None:
            raise _invalid_link()
        subject = reset.subject_id
        if reset.kind == tokens.THERAPIST:
            therapist = await uow.therapists.get(subject, for_update=True)
            if therapist is None:
                raise _invalid_link()
            therapist.password_hash = new_hash
            await uow.therapists.save(therapist)
            practice = therapist.id
        else:
            assert setup.portal is not None
            client = await uow.clients.get(subject)
            portal = setup.portal(uow)
            account = await portal.account(subject, for_update=True)
            if client is None or account is None or not account.active:
                raise _invalid_link()
            account.password_hash = new_hash
            await portal.save_account(account)
            practice = client.therapist_id
        await repo.use_all(reset.kind, subject, now)
        await revoke_tokens(uow, subject, reset.kind, now, announce_as=practice)
        plain, digest = tokens.new_token(reset.kind)
        await uow.tokens.add(token_hash=digest, kind=reset.kind, subject_id=subject, created_at=now,
                             expires_at=now + token_ttl)
        await uow.commit()
    return reset.kind, plain


async def send_reset_email(
    uow: UnitOfWork, setup: NotificationSetup, clock: Clock, reset_id: UUID
) -> bool:
    """The job: one email per reset (the email log), only while the link still works."""
    async with uow:
        facts = await _resets(setup, uow).facts(reset_id)
    if facts is None or not facts.reset.usable(clock.now()):
        return False
    token = notifications.sign(setup.signing_key, RESET, reset_id)
    link = reset_link(setup.links.base, token, portal=facts.reset.kind == tokens.CLIENT)
    return await deliver(setup, clock, PASSWORD_RESET_EMAIL, str(reset_id), reset_email(facts, link))
