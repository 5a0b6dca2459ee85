"""Every background job's name, in one place. A name is both the outbox row's `job` and the
Dramatiq actor's name, so it never changes once released (queued messages and outbox rows refer
to it). `workers/registry.py` maps each to its actor code; `domain/jobs.py` has which committed
change needs which job."""

from __future__ import annotations

# series
EXTEND_JOB = "series.extend"  # a new series: materialise its first occurrences
EXTEND_DUE_JOB = "series.extend_due"  # periodic: keep every active series materialised ahead

# Outlook
SYNC_JOB = "outlook.sync_session"  # a session changed
RESYNC_JOB = "outlook.resync"  # connected, or names changed: sync every upcoming session
BUSY_JOB = "outlook.sync_busy"  # one therapist's Outlook busy times: after connect, and when due
BUSY_DUE_JOB = "outlook.sync_busy_due"  # periodic: enqueues BUSY_JOB for therapists that are due

# email
BOOKING_JOB = "email.booking"
CANCELLED_BY_THERAPIST_JOB = "email.cancelled_by_therapist"
CANCELLED_BY_CLIENT_JOB = "email.cancelled_by_client"
PORTAL_INVITE_JOB = "email.portal_invite"
PASSWORD_RESET_JOB = "email.password_reset"
REMINDER_JOB = "email.reminder"
RESCHEDULED_JOB = "email.rescheduled"  # a session moved: the client's updated invite
RESTORED_JOB = "email.restored"  # an uncancelled session the client knew was cancelled
REMINDERS_DUE_JOB = "reminders.enqueue_due"  # periodic: reserve and enqueue due reminders

# the audit log
PRUNE_JOB = "audit.prune"  # periodic: drop entries past COUCHTIME_AUDIT_RETENTION_DAYS

# webhooks
WEBHOOK_FAN_OUT_JOB = "webhooks.fan_out"  # one event → a delivery per subscribed endpoint
WEBHOOK_DELIVER_JOB = "webhooks.deliver"  # one attempt of one delivery
WEBHOOK_RETRY_DUE_JOB = "webhooks.retry_due"  # periodic: deliveries whose next attempt is due

# the waitlist
WAITLIST_OFFER_JOB = "waitlist.offer"  # a slot freed up (or a hold ended): offer it to who waits
WAITLIST_DUE_JOB = "waitlist.sweep_due"  # periodic: expire holds past 15 minutes, lapse entries
WAITLIST_JOINED_EMAIL_JOB = "email.waitlist_joined"  # "you're on the waitlist", with the leave link
WAITLIST_OFFER_EMAIL_JOB = "email.waitlist_offer"  # a hold: the claim link and the leave link
