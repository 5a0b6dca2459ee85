"""Outlook integration of the signed-in therapist: status, connect, complete, disconnect."""

from __future__ import annotations

from uuid import UUID

from domain.dependencies import Dependencies
from domain.errors import ErrorCode, RuleViolation, UserError
from domain.outlook import OutlookIntegration
from domain.services import outlook_connection
from persistence.database import Database
from persistence.read_models.outlook import integration_of
from resolvers.context import Context


async def status(ctx: Context, therapist_id: UUID) -> OutlookIntegration:
    return await _integration(ctx.services.db, therapist_id)


async def _integration(db: Database, therapist_id: UUID) -> OutlookIntegration:
    """The stored integration, or a never-connected one."""
    return await integration_of(db, therapist_id) or OutlookIntegration(therapist_id)


def available(ctx: Context) -> bool:
    return ctx.services.outlook.ready


_REFUSALS = {
    outlook_connection.ConnectResult.INVALID_STATE: (
        ("state",), ErrorCode.INVALID,
        "This Outlook sign-in is not valid for your account (used, older than 10 minutes, or "
        "started by someone else). Connect again."),
    outlook_connection.ConnectResult.DENIED: (
        ("code",), ErrorCode.OUTLOOK_CONNECT_FAILED, "Microsoft sign-in was cancelled or refused."),
    outlook_connection.ConnectResult.FAILED: (
        ("code",), ErrorCode.OUTLOOK_CONNECT_FAILED,
        "Connecting Outlook failed at Microsoft's sign-in. Try again."),
    outlook_connection.ConnectResult.NOT_CONFIGURED: (
        (), ErrorCode.OUTLOOK_NOT_CONFIGURED, outlook_connection.NOT_CONFIGURED),
}


async def complete(
    services: Dependencies[Database], therapist_id: UUID,
    command: outlook_connection.CompleteOutlookConnection,
) -> OutlookIntegration:
    """completeOutlookConnection's use case: the web app's Outlook page, back from Microsoft,
    under the therapist's token. A refusal is a RuleViolation (userErrors) naming its field."""
    s = services
    result, _ = await outlook_connection.complete_connect(
        s.uow, s.clock, s.outlook, therapist_id=therapist_id, state=command.state, code=command.code,
        error=command.error,
    )
    if result is not outlook_connection.ConnectResult.CONNECTED:
        field, code, message = _REFUSALS[result]
        raise RuleViolation([UserError(field, code, message)])
    return await _integration(s.db, therapist_id)
