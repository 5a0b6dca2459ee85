"""Outlook busy times: read a therapist's calendar (calendarView delta), find who is due, and
the therapist's choice about tentative events.

A read happens after connecting and then every `INTERVAL` (the scheduler's due job fans out
one job per therapist). The first read of a window is full; later ones fetch only changes.
When Graph is throttled or down the stored intervals stay as they are and the error is noted:
slots keep honouring the last known busy times, and `synced_at` shows their age. No Graph call
runs inside a transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import SecretUnreadable
from domain.external_busy import (
    INTERVAL,
    BusySync,
    DeltaPage,
    change_of,
    window,
)
from domain.job_names import BUSY_JOB
from domain.outlook import (
    REVOKED,
    UNAVAILABLE,
    UNREADABLE,
    OutlookGrantRevoked,
    OutlookIntegration,
    OutlookRejected,
    OutlookUnauthorized,
    OutlookUnavailable,
)
from domain.ports.integration_storage import ExternalBusyReads
from domain.ports.outside_world import Clock, OutlookGateway
from domain.ports.unit_of_work import UnitOfWork
from domain.services.outlook_connection import OutlookSetup, access_token

log = logging.getLogger(__name__)
DUE_BATCH = 500  # therapists enqueued per scheduler tick


class BusyResult(StrEnum):
    FULL = "full"  # the whole window was read
    DELTA = "delta"  # only changes were read
    SKIPPED = "skipped"  # not connected, or Outlook not set up here
    UNAVAILABLE = "unavailable"  # Graph throttled or down: the last known times stay
    DISCONNECTED = "disconnected"  # the grant is dead


@dataclass(frozen=True)
class SetTentativeEventsBlock:
    block: bool  # True: tentative appointments hide slots like busy ones


async def set_tentative_blocks(uow: UnitOfWork, therapist_id: UUID, command: SetTentativeEventsBlock) -> UUID:
    """The therapist's choice; applies to the booking page's next read."""
    async with uow:
        await uow.external_busy.set_tentative_blocks(therapist_id, command.block)
        await uow.commit()
    return therapist_id


async def _note_failure(uow_factory: Callable[[], UnitOfWork], therapist_id: UUID, at: datetime,
                        error: str) -> None:
    async with uow_factory() as uow:
        await uow.external_busy.note_failure(therapist_id, at, error)
        await uow.commit()


async def sync(uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup,
               reads: ExternalBusyReads, therapist_id: UUID, *, full: bool = False) -> BusyResult:
    """One round for one therapist. `full`: read the whole window again (after a connect)."""
    if not setup.ready:
        return BusyResult.SKIPPED
    async with uow_factory() as uow:
        integration = await uow.outlook.integration(therapist_id)
        therapist = await uow.therapists.get(therapist_id)
    if integration is None or not integration.connected or therapist is None:
        return BusyResult.SKIPPED
    now = clock.now()
    state = await reads.state(therapist_id) or BusySync(therapist_id)
    full = full or state.needs_full_read(now)
    start, end = window(now)
    if not full:
        assert state.window_start is not None and state.window_end is not None
        start, end = state.window_start, state.window_end
    try:
        try:
            page = await _read(uow_factory, clock, setup, integration, None if full else state.delta_link,
                               start, end)
        except OutlookRejected as exc:
            if full or exc.status != 410:  # 410: Graph forgot the delta link; read it all again
                raise
            full, (start, end) = True, window(now)
            page = await _read(uow_factory, clock, setup, integration, None, start, end)
    except OutlookUnavailable:
        await _note_failure(uow_factory, therapist_id, clock.now(), UNAVAILABLE)
        return BusyResult.UNAVAILABLE
    except OutlookGrantRevoked:
        async with uow_factory() as uow:  # disconnect and note why, in one transaction
            await uow.outlook.revoke(therapist_id, expected_version=integration.token_version, reason=REVOKED)
            await uow.external_busy.note_failure(therapist_id, clock.now(), REVOKED)
            await uow.commit()
        return BusyResult.DISCONNECTED
    except SecretUnreadable:
        await _note_failure(uow_factory, therapist_id, clock.now(), UNREADABLE)
        return BusyResult.UNAVAILABLE
    except OutlookRejected as exc:
        log.warning("outlook busy read refused: %s", exc.status, extra={"therapist_id": str(therapist_id)})
        await _note_failure(uow_factory, therapist_id, clock.now(), UNAVAILABLE)
        return BusyResult.UNAVAILABLE
    changes = [change_of(item, therapist.time_zone) for item in page.items]
    done = BusySync(therapist_id, state.tentative_blocks, page.delta_link, start, end,
                    synced_at=clock.now(), attempted_at=now)
    async with uow_factory() as uow:
        await uow.external_busy.save_round(done, changes, full=full)
        await uow.commit()
    return BusyResult.FULL if full else BusyResult.DELTA


async def _read(uow_factory: Callable[[], UnitOfWork], clock: Clock, setup: OutlookSetup,
                integration: OutlookIntegration, delta_link: str | None, start, end) -> DeltaPage:
    reader: OutlookGateway = setup.gateway  # type: ignore[assignment]
    token = await access_token(uow_factory, clock, setup, integration)
    try:
        return await reader.busy_delta(token, delta_link=delta_link, start=start, end=end)
    except OutlookUnauthorized:  # revoked early, or the clock is off: refresh once, try again
        token = await access_token(uow_factory, clock, setup, integration, force=True)
        try:
            return await reader.busy_delta(token, delta_link=delta_link, start=start, end=end)
        except OutlookUnauthorized:
            raise OutlookGrantRevoked("a fresh access token was refused") from None


async def enqueue_due(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> int:
    """The scheduler's tick: one read job per connected therapist not read for `INTERVAL`,
    marked attempted in the same transaction that queues its job (none is marked and lost)."""
    now = clock.now()
    async with uow_factory() as uow:
        due = await uow.external_busy.due(now - INTERVAL, now, DUE_BATCH)
        for therapist_id in due:
            uow.enqueue(BUSY_JOB, {"therapist_id": str(therapist_id)})
        await uow.commit()
    return len(due)
