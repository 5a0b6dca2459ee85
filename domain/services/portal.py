"""Use cases of the client portal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from domain import accounts, notifications, text, tokens
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.events import ClientCancelledSession, PortalInviteCreated
from domain.model import CancelledBy, Client, Session
from domain.portal import INVITE_TTL, PortalAccount, PortalInvite, address_digest, may_cancel
from domain.ports.outside_world import Clock, PasswordHasher, RateLimiter
from domain.ports.unit_of_work import UnitOfWork
from domain.services.accounts import SignInLimits, check_sign_in_limits, sign_in_password
from domain.services.notifications import NotificationSetup
from domain.services.recovery import revoke_tokens
from domain.services.session_events import record_change


async def _issue_token(uow: UnitOfWork, clock: Clock, client_id: UUID, ttl: timedelta) -> str:
    plain, digest = tokens.new_token(tokens.CLIENT)
    now = clock.now()
    await uow.tokens.add(token_hash=digest, kind=tokens.CLIENT, subject_id=client_id, created_at=now,
                         expires_at=now + ttl)
    return plain


@dataclass(frozen=True)
class InviteToPortal:
    client_id: UUID | None  # None: the ID given was not a client ID at all


@dataclass(frozen=True)
class AcceptInvite:
    token: str  # from the invite link
    password: str  # the portal password the client chooses


@dataclass(frozen=True)
class ClientSignIn:
    email: str
    password: str


@dataclass(frozen=True)
class CancelMySession:
    session_id: UUID | None


async def invite(
    uow: UnitOfWork, clock: Clock, therapist_id: UUID, command: InviteToPortal
) -> Client:
    """A single-use invite link (7 days) is emailed to the client. Inviting again sends a new
    link and voids the earlier ones (a link sent to a wrong address stops working); it also
    lets a client who forgot their password set a new one. The invite is bound to the address
    it was sent to: correcting the client's email voids it."""
    client_id = command.client_id
    async with uow:
        client = await uow.clients.get(client_id, for_update=True) if client_id else None
        if client is None or client.therapist_id != therapist_id:
            raise RuleViolation.one(("clientId",), ErrorCode.NOT_FOUND, "No such client.")
        repo = uow.portal
        now = clock.now()
        account = await repo.account(client.id, for_update=True) or PortalAccount(client.id)
        account.invited_at = now
        await repo.save_account(account)
        await repo.use_invites(client.id, now)  # earlier links are void
        invite_row = PortalInvite(uuid.uuid4(), client.id, now, now + INVITE_TTL,
                                  sent_to=address_digest(client.email))
        await repo.add_invite(invite_row)
        uow.record(PortalInviteCreated(therapist_id, invite_row.id, client.id))
        await uow.commit()
    return client


def _invalid_invite() -> RuleViolation:
    return RuleViolation.one(("token",), ErrorCode.INVALID_INVITE,
                             "This invite link is not valid any more. Ask your therapist for a new one.")


async def accept_invite(
    uow: UnitOfWork, setup: NotificationSetup, hasher: PasswordHasher, clock: Clock,
    command: AcceptInvite, *, token_ttl: timedelta,
    policy: accounts.PasswordPolicy = accounts.PasswordPolicy(),
) -> tuple[Client, str]:
    token, password = command.token, command.password
    invite_id = notifications.verify(setup.signing_key, notifications.INVITE, token)
    if invite_id is None:  # a forged or mangled link: nothing else to say
        raise _invalid_invite()
    errors = accounts.password_errors(password, policy=policy)
    if errors:
        raise RuleViolation(errors)
    password_hash = await hasher.hash(password)
    async with uow:
        repo = uow.portal
        found = await repo.invite(invite_id, for_update=True)
        now = clock.now()
        if found is None or not found.usable(now):
            raise _invalid_invite()
        client = await uow.clients.get(found.client_id)
        if client is None or not found.usable_by(now, client.email):
            raise _invalid_invite()
        account = await repo.account(client.id, for_update=True) or PortalAccount(client.id)
        account.password_hash, account.accepted_at = password_hash, now
        await repo.save_account(account)
        await repo.use_invites(client.id, now)
        # a new password: every token issued before it stops working (sockets close too)
        await revoke_tokens(uow, client.id, tokens.CLIENT, now, announce_as=client.therapist_id)
        plain = await _issue_token(uow, clock, client.id, token_ttl)
        await uow.commit()
    return client, plain


async def sign_in(
    uow: UnitOfWork, hasher: PasswordHasher, limiter: RateLimiter,
    clock: Clock, command: ClientSignIn, *, client_address: str, limits: SignInLimits,
    token_ttl: timedelta,
) -> tuple[Client, str]:
    """Wrong password and unknown email fail alike and in the same time, as for therapists
    (`accounts.sign_in`): one Argon2 verify per portal account of the email, or one against the
    stand-in hash when there is none or the password cannot match. A person who is a client of
    two therapists has two portal accounts; the password picks the account (and a wrong one
    costs two verifies: the one case whose timing differs, and it says only "several")."""
    email, password = accounts.normalize_email(command.email), command.password
    await check_sign_in_limits(limiter, limits, scope="portal-signin", email=email,
                               client_address=client_address)
    candidate = sign_in_password(password)
    if candidate is None:
        await hasher.verify_stand_in(text.scrub(password[: accounts.MAX_PASSWORD_LENGTH]))
        raise _bad_credentials()
    found: list[PortalAccount] = []
    if not text.has_bad_characters(email):  # no account has such an email: nothing to look up
        async with uow:  # no transaction is held while hashing: it may wait for the hasher
            found = [a for a in await uow.portal.active_accounts_by_email(email) if a.password_hash]
    if not found:
        await hasher.verify_stand_in(candidate)
    for account in found:
        assert account.password_hash is not None
        if await hasher.verify(account.password_hash, candidate):
            async with uow:
                client = await uow.clients.get(account.client_id)
                assert client is not None
                plain = await _issue_token(uow, clock, client.id, token_ttl)
                await uow.commit()
            return client, plain
    raise _bad_credentials()


def _bad_credentials() -> RuleViolation:
    return RuleViolation([UserError(("email",), ErrorCode.INVALID_CREDENTIALS,
                                   "Email or password is incorrect.")])


async def cancel_my_session(
    uow: UnitOfWork, clock: Clock, client_id: UUID, command: CancelMySession
) -> Session:
    """At least 24 hours before the start; the therapist is emailed; the slot frees."""
    session_id = command.session_id
    async with uow:
        session = await uow.sessions.get(session_id, for_update=True) if session_id else None
        if session is None or session.client_id != client_id:
            raise RuleViolation.one(("sessionId",), ErrorCode.NOT_FOUND, "No such session.")
        if not session.cancelled and not may_cancel(clock.now(), session.start):
            raise RuleViolation.one(
                ("sessionId",), ErrorCode.TOO_LATE_TO_CANCEL,
                "Sessions can be cancelled up to 24 hours before they start. Contact your therapist.")
        before = session.interval
        session.cancel(by=CancelledBy.CLIENT, at=clock.now())  # "Already cancelled" when it is
        await record_change(uow, session, "CANCELLED", before, None)
        uow.record(ClientCancelledSession(session.therapist_id, session.id))
        await uow.commit()
    return session


async def unsubscribe(uow: UnitOfWork, setup: NotificationSetup, clock: Clock, token: str) -> bool:
    """Stops reminders for every future session of the client. False for a bad token."""
    client_id = notifications.verify(setup.signing_key, notifications.UNSUBSCRIBE, token)
    if client_id is None:
        return False
    async with uow:
        repo = uow.portal
        account = await repo.account(client_id, for_update=True)
        if account is None:
            return False
        if account.unsubscribed_at is None:
            account.unsubscribed_at = clock.now()
            await repo.save_account(account)
        await uow.commit()
    return True


def unsubscribe_token_valid(setup: NotificationSetup, token: str) -> bool:
    return notifications.verify(setup.signing_key, notifications.UNSUBSCRIBE, token) is not None
