"""Outlook's read model for the API and the workers: a therapist's integration."""

from __future__ import annotations

from uuid import UUID

from domain.outlook import OutlookIntegration
from persistence.database import Database
from persistence.repositories.outlook import integration_from_row
from persistence.tables.outlook import OutlookIntegrationRow


async def integration_of(db: Database, therapist_id: UUID) -> OutlookIntegration | None:
    """Read model for `me { integrations { outlook } }`."""
    async with db.read_session() as session:
        row = await session.get(OutlookIntegrationRow, therapist_id)
        return integration_from_row(row) if row else None
