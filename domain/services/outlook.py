"""Outlook use cases: connect (authorize URL → callback), disconnect, sync one session, resync
(backfill on connect; after a client or event type changed the text of many events).

Sync runs in jobs after the change committed (outbox), never inside the change's transaction:
a failure here never blocks or rolls back a session change or its emails. Each sync of a
session holds a short lease on the session's link row, so two jobs for one session never
create two events; a job that finds the lease taken marks the link dirty and the holder syncs
once more with what is then committed. No Graph call happens inside a transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import ErrorCode, RuleViolation, SecretUnreadable
from domain.outlook import (
    LEASE,
    REJECTED,
    RESYNC_JOB,
    REVOKED,
    STATE_TTL,
    UNAVAILABLE,
    UNREADABLE,
    EventLink,
    OutlookError,
    OutlookEvent,
    OutlookGrantRevoked,
    OutlookIntegration,
    OutlookRejected,
    OutlookTokens,
    OutlookUnauthorized,
    OutlookUnavailable,
    PendingConnect,
    SyncAction,
    event_for,
    new_pkce,
    new_state,
    plan,
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


# --- connect and disconnect ------------------------------------------------------------------


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


# --- sync --------------------------------------------------------------------------------


class SyncResult(StrEnum):
    SKIPPED = "SKIPPED"  # no connected integration (or Outlook not set up): nothing to do
    DEFERRED = "DEFERRED"  # another job holds this session's lease; it syncs once more
    CREATED = "CREATED"
    PATCHED = "PATCHED"
    DELETED = "DELETED"
    UNCHANGED = "UNCHANGED"
    DISCONNECTED = "DISCONNECTED"  # the grant was revoked (or tokens unreadable): disconnected
    FAILED = "FAILED"  # Outlook refused the request for good (lastError says so)


@dataclass
class _Loaded:
    integration: OutlookIntegration
    link: EventLink | None
    event: OutlookEvent | None
    action: SyncAction
    look_first: bool


async def sync_session(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup, session_id: UUID,
    therapist_id: UUID | None = None, *, assume_existing: bool = False,
) -> SyncResult:
    """Make Outlook show what is committed for this session: create, patch, delete or nothing.

    Idempotent: the Graph event ID is stored per session; a create whose response was lost is
    found again by our session-ID property before creating; deleting an event already gone is
    success. `assume_existing` (the backfill) looks for such an event before every create.
    Raises OutlookUnavailable (throttled/down after retries) so that the job retries later.
    """
    if not setup.ready:
        return SyncResult.SKIPPED
    holder = uuid.uuid4().hex
    held = False
    outcome = SyncResult.UNCHANGED
    for _ in range(8):  # re-runs only while other jobs keep marking the link dirty
        loaded, owner, held_now = await _load(uow_factory, clock, setup, session_id, therapist_id,
                                              holder, held, assume_existing)
        if loaded is None or owner is None:
            if held and not held_now:  # disconnected between two rounds: let the lease go
                async with uow_factory() as uow:
                    await uow.outlook.release_link(session_id, holder)
                    await uow.commit()
            return SyncResult.DEFERRED if held_now else SyncResult.SKIPPED
        held = True
        try:
            new_link, result = await _with_token(uow_factory, clock, setup, loaded, session_id, owner)
        except (OutlookGrantRevoked, SecretUnreadable) as exc:
            await _give_up(uow_factory, session_id, owner, holder, loaded.integration,
                           REVOKED if isinstance(exc, OutlookGrantRevoked) else UNREADABLE, disconnect=True)
            log.warning("outlook access lost; integration disconnected",
                        extra={"therapist_id": str(owner), "error_type": type(exc).__name__})
            return SyncResult.DISCONNECTED
        except OutlookUnavailable:
            await _give_up(uow_factory, session_id, owner, holder, loaded.integration, UNAVAILABLE)
            raise
        except OutlookRejected as exc:
            await _give_up(uow_factory, session_id, owner, holder, loaded.integration,
                           REJECTED.format(status=exc.status or "4xx"))
            log.warning("outlook refused a sync", extra={"session_id": str(session_id),
                                                         "status": exc.status})
            return SyncResult.FAILED
        except BaseException:
            await _give_up(uow_factory, session_id, owner, holder, loaded.integration, None)
            raise
        async with uow_factory() as uow:
            done = await uow.outlook.finish_link(new_link, session_id, holder)
            if result is not SyncResult.UNCHANGED:  # Outlook answered: lastSyncAt, lastError cleared
                await uow.outlook.note_sync(owner, clock.now(), None)
            await uow.commit()
        log.info("outlook sync %s", result.value,
                 extra={"session_id": str(session_id), "outlook_result": result.value})
        if result is not SyncResult.UNCHANGED:
            outcome = result  # what a round changed, even when a later round found nothing to do
        if done:
            return outcome
    async with uow_factory() as uow:  # still dirty after many rounds: the next job continues
        await uow.outlook.release_link(session_id, holder)
        await uow.commit()
    return SyncResult.DEFERRED


async def _load(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup, session_id: UUID,
    therapist_id: UUID | None, holder: str, held: bool, assume_existing: bool,
) -> tuple[_Loaded | None, UUID | None, bool]:
    """One transaction: the integration, the lease, the session as committed, the plan.
    Returns (None, …, True) when another job holds the lease and was asked to sync again."""
    for _ in range(3):
        async with uow_factory() as uow:
            session = await uow.sessions.get(session_id)
            owner = session.therapist_id if session else therapist_id
            link = await uow.outlook.link(session_id) if owner is None else None
            owner = owner or (link.therapist_id if link else None)
            if owner is None:
                return None, None, False
            integration = await uow.outlook.integration(owner)
            if integration is None or not integration.connected:
                return None, owner, False
            if held:
                link = await uow.outlook.link(session_id)
            else:
                now = clock.now()
                link = await uow.outlook.acquire_link(session_id, owner, holder, now, now + LEASE)
                if link is None:
                    if await uow.outlook.mark_dirty(session_id, now):
                        await uow.commit()
                        return None, owner, True
                    continue  # the lease was freed in between: try to take it again
            event = None
            if session is not None and not session.cancelled:
                event_type = await uow.event_types.get(session.event_type_id, include_deleted=True)
                client = await uow.clients.get(session.client_id)
                therapist = await uow.therapists.get(owner)
                if event_type is not None and client is not None and therapist is not None:
                    event = event_for(session, event_type, client, therapist, full_names=setup.full_names)
            if session is not None and not session.cancelled and event is None:
                session = None  # its client or event type is gone: treat it as deleted
            action = plan(session, link, event)
            look_first = assume_existing or (link is not None and link.transaction_id is not None)
            if action is SyncAction.CREATE and (link is None or link.transaction_id is None):
                link = link or EventLink(session_id, owner)
                link.transaction_id = uuid.uuid4().hex  # recorded before the POST
                await uow.outlook.set_transaction(session_id, holder, link.transaction_id)
            await uow.commit()
            return _Loaded(integration, link, event, action, look_first), owner, True
    return None, therapist_id, False


async def _with_token(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup, loaded: _Loaded,
    session_id: UUID, owner: UUID,
) -> tuple[EventLink | None, SyncResult]:
    if loaded.action is SyncAction.NOTHING:
        return loaded.link, SyncResult.UNCHANGED
    token = await access_token(uow_factory, clock, setup, loaded.integration)
    try:
        return await _apply(setup.gateway, token, loaded, session_id)  # type: ignore[arg-type]
    except OutlookUnauthorized:  # revoked early, or the clock is off: refresh once, try again
        token = await access_token(uow_factory, clock, setup, loaded.integration, force=True)
        try:
            return await _apply(setup.gateway, token, loaded, session_id)  # type: ignore[arg-type]
        except OutlookUnauthorized:
            raise OutlookGrantRevoked("a fresh access token was refused") from None


async def _apply(gateway: OutlookGateway, token: str, loaded: _Loaded, session_id: UUID,
                 ) -> tuple[EventLink | None, SyncResult]:
    link, event = loaded.link, loaded.event
    if loaded.action is SyncAction.DELETE:
        assert link is not None
        event_id = link.graph_event_id
        if event_id is None and link.transaction_id is not None:
            event_id = await gateway.find_event(token, session_id)
        if event_id is not None:
            await gateway.delete_event(token, event_id)
        return None, SyncResult.DELETED
    assert event is not None and link is not None
    if loaded.action is SyncAction.PATCH:
        assert link.graph_event_id is not None
        if await gateway.patch_event(token, link.graph_event_id, event):
            return replace(link, content_hash=event.content_hash()), SyncResult.PATCHED
        link = replace(link, graph_event_id=None, transaction_id=uuid.uuid4().hex)  # deleted in Outlook
    elif loaded.look_first:
        found = await gateway.find_event(token, session_id)
        if found is not None and await gateway.patch_event(token, found, event):
            return replace(link, graph_event_id=found, content_hash=event.content_hash(),
                           transaction_id=None), SyncResult.CREATED
    transaction_id = link.transaction_id or uuid.uuid4().hex
    event_id = await gateway.create_event(token, event, transaction_id=transaction_id)
    return replace(link, graph_event_id=event_id, content_hash=event.content_hash(),
                   transaction_id=None), SyncResult.CREATED


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


async def _give_up(
    uow_factory: Callable[[], UnitOfWork], session_id: UUID, owner: UUID, holder: str,
    integration: OutlookIntegration, error: str | None, *, disconnect: bool = False,
) -> None:
    """Release the lease and record why; on a dead grant, disconnect (the calendar itself is
    untouched: sessions keep working, only Outlook stops hearing about them)."""
    async with uow_factory() as uow:
        await uow.outlook.release_link(session_id, holder)
        if disconnect:
            await uow.outlook.revoke(owner, expected_version=integration.token_version, reason=error)
        elif error is not None:
            await uow.outlook.note_sync(owner, None, error)
        await uow.commit()


async def resync(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup, therapist_id: UUID,
    *, backfill: bool = False,
) -> dict[str, int]:
    """Sync every upcoming session of the therapist, and remove events of linked sessions that
    were cancelled or deleted. Unchanged events cost no Graph call (content hash). On connect
    (`backfill`), each create first looks for an event this session already has (a reconnect
    of the same account finds its old events instead of duplicating them)."""
    if not setup.ready:
        return {}
    async with uow_factory() as uow:
        integration = await uow.outlook.integration(therapist_id)
        if integration is None or not integration.connected:
            return {}
        targets = await uow.outlook.resync_targets(therapist_id, clock.now())
    counts: Counter[str] = Counter()
    for session_id in targets:
        result = await sync_session(uow_factory, clock, setup, session_id, therapist_id,
                                    assume_existing=backfill)
        counts[result.value] += 1
        if result is SyncResult.DISCONNECTED:
            break
    return dict(counts)


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

