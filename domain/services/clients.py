"""Use cases for clients: add by hand, edit, and work the "New bookings" (intake) queue.

Intake actions lock the intake client's row, so of two concurrent accept/merge/reject
calls exactly one applies and the other finds the client no longer an intake client.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from domain.accounts import canonical_time_zone, normalize_email
from domain.clients import contact_errors
from domain.errors import ErrorCode, RuleViolation
from domain.events import ClientChanged, IntakeResolved
from domain.model import Client, ClientStatus
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.services.session_events import record_deleted, record_updated


@dataclass(frozen=True)
class ClientFields:
    """None = unchanged on an edit; on create, first/last name and email are required."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    time_zone: str | None = None


@dataclass(frozen=True)
class ClientEdit(ClientFields):
    client_id: UUID | None = None  # None: the ID given was not a client ID at all


@dataclass(frozen=True)
class AcceptIntake:
    client_id: UUID | None


@dataclass(frozen=True)
class RejectIntake:
    client_id: UUID | None


@dataclass(frozen=True)
class MergeIntake:
    client_id: UUID | None  # the intake client
    into_client_id: UUID | None  # the active client that keeps the sessions
    take_contact_details: bool = False  # the intake's email (and phone, zone) replace the old ones


def _not_found(field: str = "clientId") -> RuleViolation:
    return RuleViolation.one((field,), ErrorCode.NOT_FOUND, "No such client.")


async def _owned(
    uow: UnitOfWork, therapist_id: UUID, client_id: UUID | None, field: str = "clientId"
) -> Client:
    client = await uow.clients.get(client_id, for_update=True) if client_id else None
    if client is None or client.therapist_id != therapist_id:
        raise _not_found(field)
    return client


def _check(fields: ClientFields, *, creating: bool) -> None:
    errors = contact_errors(
        first_name=fields.first_name if fields.first_name is not None or not creating else "",
        last_name=fields.last_name if fields.last_name is not None or not creating else "",
        email=fields.email if fields.email is not None or not creating else "",
        phone=fields.phone, time_zone=fields.time_zone or None,
    )
    if errors:
        raise RuleViolation(errors)


async def create(uow: UnitOfWork, clock: Clock, therapist_id: UUID, fields: ClientFields) -> Client:
    """Returning clients and referrals are added by hand; they start active."""
    _check(fields, creating=True)
    assert fields.first_name and fields.last_name and fields.email
    client = Client(
        id=uuid.uuid4(), therapist_id=therapist_id, first_name=fields.first_name.strip(),
        last_name=fields.last_name.strip(), email=normalize_email(fields.email),
        phone=(fields.phone or "").strip() or None,
        time_zone=canonical_time_zone(fields.time_zone) if fields.time_zone else None,
        status=ClientStatus.ACTIVE, created_at=clock.now(),
    )
    async with uow:
        await uow.clients.add(client)
        uow.record(ClientChanged(therapist_id, client.id))
        await uow.commit()
    return client


async def update(uow: UnitOfWork, therapist_id: UUID, fields: ClientEdit) -> Client:
    _check(fields, creating=False)
    async with uow:
        client = await _owned(uow, therapist_id, fields.client_id)
        if fields.first_name is not None:
            client.first_name = fields.first_name.strip()
        if fields.last_name is not None:
            client.last_name = fields.last_name.strip()
        if fields.email is not None:
            client.email = normalize_email(fields.email)
        if fields.phone is not None:
            client.phone = fields.phone.strip() or None
        if fields.time_zone is not None:
            client.time_zone = canonical_time_zone(fields.time_zone) if fields.time_zone else None
        await uow.clients.save(client)
        uow.record(ClientChanged(therapist_id, client.id))
        await uow.commit()
    return client


async def _intake(uow: UnitOfWork, therapist_id: UUID, client_id: UUID | None) -> Client:
    client = await _owned(uow, therapist_id, client_id)
    if client.status is not ClientStatus.INTAKE:
        raise RuleViolation.one(
            ("clientId",), ErrorCode.NOT_INTAKE, "This client is not waiting in New bookings."
        )
    return client


async def accept(uow: UnitOfWork, therapist_id: UUID, command: AcceptIntake) -> Client:
    async with uow:
        client = await _intake(uow, therapist_id, command.client_id)
        client.status = ClientStatus.ACTIVE
        await uow.clients.save(client)
        uow.record(IntakeResolved(therapist_id, client.id, "ACCEPTED"))
        record_updated(uow, await uow.sessions.of_client(client.id))  # the client shown changed
        await uow.commit()
    return client


async def reject(uow: UnitOfWork, therapist_id: UUID, command: RejectIntake) -> UUID:
    """Removes the intake client and their booked sessions; the slots are free again."""
    async with uow:
        client = await _intake(uow, therapist_id, command.client_id)
        removed = await uow.sessions.delete_of_client(client.id)
        await uow.clients.delete(client.id)
        uow.record(
            IntakeResolved(
                therapist_id, client.id, "REJECTED",
                freed=tuple((s.start, s.end) for s in removed),
            )
        )
        await record_deleted(uow, therapist_id, removed)
        await uow.commit()
    return client.id


async def merge(uow: UnitOfWork, therapist_id: UUID, command: MergeIntake) -> Client:
    """The intake's sessions move to an existing active client; the intake record goes. With
    `take_contact_details`, the email the client just typed (and their phone and zone, when they
    gave them) replace the old ones: people book with the address they use now."""
    async with uow:
        intake = await _intake(uow, therapist_id, command.client_id)
        target = await _owned(uow, therapist_id, command.into_client_id, "intoClientId")
        if target.status is not ClientStatus.ACTIVE:
            raise RuleViolation.one(
                ("intoClientId",), ErrorCode.NOT_ACTIVE, "Merge into an active client."
            )
        moved = await uow.sessions.of_client(intake.id)
        await uow.sessions.move_to_client(intake.id, target.id)
        await uow.clients.delete(intake.id)
        if command.take_contact_details:
            target.email = intake.email
            target.phone = intake.phone or target.phone
            target.time_zone = intake.time_zone or target.time_zone
            await uow.clients.save(target)
            uow.record(ClientChanged(therapist_id, target.id))
        uow.record(IntakeResolved(therapist_id, intake.id, "MERGED", into_client_id=target.id))
        record_updated(uow, moved)  # same times, another client
        await uow.commit()
    return target
