"""Reminder-settings mutations, one module each."""

import strawberry

from schema.mutations.reminders.update_reminder_settings import update_reminder_settings


@strawberry.type
class ReminderMutations:
    update_reminder_settings = update_reminder_settings
