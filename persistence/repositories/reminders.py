"""Practice Settings > Reminders, on a unit of work's session (no row = reminders off)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from domain.reminders import ReminderSettings
from persistence.database import upsert_for
from persistence.tables.reminders import ReminderSettingsRow


def settings_from_row(row: ReminderSettingsRow | None) -> ReminderSettings:
    if row is None:
        return ReminderSettings()
    return ReminderSettings(row.enabled, row.lead_minutes, row.also_day_before)


class SqlReminderSettings:
    """ReminderSettingsRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, therapist_id: UUID) -> ReminderSettings:
        return settings_from_row(await self.session.get(ReminderSettingsRow, therapist_id))

    async def save(self, therapist_id: UUID, settings: ReminderSettings) -> None:
        values = {"enabled": settings.enabled, "lead_minutes": settings.lead_minutes,
                  "also_day_before": settings.also_day_before}
        await self.session.execute(
            upsert_for(self.session)(ReminderSettingsRow)
            .values(therapist_id=therapist_id, **values)
            .on_conflict_do_update(index_elements=["therapist_id"], set_=values)
        )
