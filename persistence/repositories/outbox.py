"""The transactional outbox, written in the unit of work's transaction."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables.outbox import OutboxRow


class SqlOutbox:
    """Outbox rows written in the unit of work's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, job_id: UUID, job: str, payload: dict, at: datetime) -> None:
        self.session.add(OutboxRow(id=job_id, job=job, payload=json.dumps(payload), created_at=at))
