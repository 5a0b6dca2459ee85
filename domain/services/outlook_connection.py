"""Outlook connection use cases: connect (authorize URL → callback), disconnect, the access
token (refreshed when needed, saved compare-and-set) and the re-encryption of stored tokens on
key rotation. Syncing sessions is domain/services/outlook_sync.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import ErrorCode, RuleViolation, SecretUnreadable
from domain.job_names import BUSY_JOB, RESYNC_JOB
from domain.outlook import (
    STATE_TTL,
    OutlookError,
    OutlookIntegration,
    OutlookTokens,
    PendingConnect,
    new_pkce,
    new_state,
    state_digest,
)
from domain.ports.outside_world import Clock, OutlookGateway, SecretBox
from domain.ports.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
NOT_CONFIGURED = ("Outlook is not set up on this server (client ID, redirect URL and "
                  "COUCHTIME_SECRET_KEYS are needed). Ask your administrator.")


@dataclass(frozen=True)
class OutlookSetup:
    """The ports and options of Outlook sync, wired by the composition root. Without a gateway
    or a secret box, connecting is refused with OUTLOOK_NOT_CONFIGURED and jobs no-op."""

    gateway: OutlookGateway | None = None
    box: SecretBox | None = None
    full_names: bool = False  # COUCHTIME_OUTLOOK_FULL_NAMES: client names instead of initials
    missing: str | None = None  # why it is not ready, for the user error

    @property
    def ready(self) -> bool:
        return self.gateway is not None and self.box is not None


@dataclass(frozen=True)
class ConnectOutlook:
    """Start connecting: nothing to say but who asks."""


@dataclass(frozen=True)
class CompleteOutlookConnection:
    """What Microsoft put in the URL it sent the browser back to."""

    state: str | None
    code: str | None
    error: str | None


@dataclass(frozen=True)
class DisconnectOutlook:
    """Forget the tokens: nothing to say but who asks."""


@dataclass(frozen=True)
class ConnectStart:
    authorize_url: str
    expires_at: datetime


async def start_connect(
    uow: UnitOfWork, clock: Clock, setup: OutlookSetup, therapist_id: UUID
) -> ConnectStart:
    """A Microsoft sign-in URL (authorization code flow, PKCE S256, a state bound to this
    therapist). The state is stored hashed, the verifier encrypted; both expire in 10 minutes
    and are single use."""
    if not setup.ready:
        raise RuleViolation.one((), ErrorCode.OUTLOOK_NOT_CONFIGURED, setup.missing or NOT_CONFIGURED)
    assert setup.gateway is not None and setup.box is not None
    state, pkce, now = new_state(), new_pkce(), clock.now()
    pending = PendingConnect(
        state_hash=state_digest(state), therapist_id=therapist_id,
        verifier_sealed=setup.box.encrypt(pkce.verifier.encode("ascii")), expires_at=now + STATE_TTL,
    )
    async with uow:
        await uow.outlook.add_pending(pending, purge_before=now)
        await uow.commit()
    return ConnectStart(setup.gateway.authorize_url(state=state, code_challenge=pkce.challenge),
                        pending.expires_at)


class ConnectResult(StrEnum):
    CONNECTED = "connected"
    DENIED = "denied"  # the user cancelled or refused consent at Microsoft
    INVALID_STATE = "invalid_state"  # unknown, used or expired state: start again
    FAILED = "failed"  # the code exchange or the account lookup failed
    NOT_CONFIGURED = "not_configured"


async def complete_connect(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup, *,
    therapist_id: UUID, state: str | None, code: str | None, error: str | None,
) -> tuple[ConnectResult, UUID | None]:
    """completeOutlookConnection, called by the web app with the therapist's token after
    Microsoft sent the browser back: take the state (once) — only if this therapist started it —
    exchange the code with the PKCE verifier, store the tokens encrypted, and enqueue the
    backfill of upcoming sessions.

    Binding the completion to the token of the therapist who started is what stops the
    "send someone your connect link" attack: the victim's browser lands on the app with the
    code, the app completes under the victim's token (or none), and the attacker's state does
    not match it. The attacker never sees the code."""
    if not setup.ready:
        return ConnectResult.NOT_CONFIGURED, None
    assert setup.gateway is not None and setup.box is not None
    if not state:
        return ConnectResult.INVALID_STATE, None
    async with uow_factory() as uow:
        pending = await uow.outlook.take_pending(state_digest(state), therapist_id)
        await uow.commit()
    now = clock.now()
    if pending is None or pending.expired(now):
        return ConnectResult.INVALID_STATE, None
    therapist_id = pending.therapist_id
    if error or not code:
        return ConnectResult.DENIED, therapist_id
    try:
        verifier = setup.box.decrypt(pending.verifier_sealed).decode("ascii")
        grant = await setup.gateway.exchange_code(code, verifier)
        tokens = grant.tokens(clock.now())
        account = await setup.gateway.account(tokens.access_token)
    except (OutlookError, SecretUnreadable) as exc:
        log.warning("outlook connect failed: %s", type(exc).__name__,
                    extra={"therapist_id": str(therapist_id), "error_type": type(exc).__name__})
        async with uow_factory() as uow:
            found = await uow.outlook.integration(therapist_id, for_update=True)
            integration = found or OutlookIntegration(therapist_id)
            if not integration.connected:
                integration.last_error = "Connecting Outlook failed at Microsoft's sign-in. Try again."
                await uow.outlook.save_integration(integration)
                await uow.commit()
        return ConnectResult.FAILED, therapist_id
    async with uow_factory() as uow:
        integration = await uow.outlook.integration(therapist_id, for_update=True)
        integration = integration or OutlookIntegration(therapist_id)
        integration.account = account
        integration.tokens_sealed = setup.box.encrypt(tokens.to_bytes())
        integration.token_version += 1
        integration.connected_at, integration.last_error = clock.now(), None
        await uow.outlook.save_integration(integration)
        await uow.outlook.drop_links(therapist_id)  # IDs of an older connection mean nothing now
        uow.enqueue(RESYNC_JOB, {"therapist_id": str(therapist_id), "backfill": True})
        # busy times block slots at once; a full read (the account may differ from the last one),
        # marked as this round's attempt so the scheduler's tick does not queue a second one
        uow.enqueue(BUSY_JOB, {"therapist_id": str(therapist_id), "full": True})
        await uow.external_busy.mark_attempted(therapist_id, clock.now())
        await uow.commit()
    log.info("outlook connected", extra={"therapist_id": str(therapist_id)})
    return ConnectResult.CONNECTED, therapist_id


async def disconnect(uow: UnitOfWork, therapist_id: UUID) -> OutlookIntegration:
    """Forget the tokens at once (events already in Outlook stay there). Idempotent."""
    async with uow:
        integration = await uow.outlook.integration(therapist_id, for_update=True)
        integration = integration or OutlookIntegration(therapist_id)
        if integration.connected or integration.last_error:
            integration.disconnect(None)
            await uow.outlook.save_integration(integration)
            await uow.outlook.drop_links(therapist_id)
            await uow.commit()
    log.info("outlook disconnected", extra={"therapist_id": str(therapist_id)})
    return integration


async def access_token(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup,
    integration: OutlookIntegration, *, force: bool = False,
) -> str:
    """The stored access token, or a refreshed one when it is (about to be) expired. A refresh
    is saved compare-and-set: when another job refreshed first, both token sets stay valid
    (Microsoft does not invalidate a refresh token when it issues the next) and theirs is kept."""
    assert setup.box is not None and setup.gateway is not None and integration.tokens_sealed
    tokens = OutlookTokens.from_bytes(setup.box.decrypt(integration.tokens_sealed))
    if not force and tokens.fresh(clock.now()):
        return tokens.access_token
    grant = await setup.gateway.refresh(tokens.refresh_token)
    fresh = grant.tokens(clock.now(), tokens.refresh_token)
    sealed = setup.box.encrypt(fresh.to_bytes())
    async with uow_factory() as uow:
        saved = await uow.outlook.replace_tokens(
            integration.therapist_id, sealed, expected_version=integration.token_version
        )
        await uow.commit()
    if saved:
        integration.tokens_sealed, integration.token_version = sealed, integration.token_version + 1
    return fresh.access_token


async def reencrypt_tokens(uow_factory: Callable[[], UnitOfWork], box: SecretBox) -> tuple[int, int]:
    """Key rotation: re-encrypt every stored token set with the current (first) key. Returns
    (re-encrypted, unreadable); unreadable ones need their therapist to connect again."""
    async with uow_factory() as uow:
        rows = await uow.outlook.sealed_tokens()
    done = unreadable = 0
    for therapist_id, version, sealed in rows:
        try:
            plain = box.decrypt(sealed)
        except SecretUnreadable:
            unreadable += 1
            continue
        async with uow_factory() as uow:
            if await uow.outlook.replace_tokens(therapist_id, box.encrypt(plain), expected_version=version):
                done += 1
            await uow.commit()
    return done, unreadable
