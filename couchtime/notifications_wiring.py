"""Wiring of email, reminders and the portal (called from couchtime.wiring)."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from adapters.mail import FolderMailer, SmtpConfig, SmtpMailer
from couchtime.settings import Settings
from domain.notifications import Links
from domain.services.notifications import NotificationSetup
from persistence.database import Database
from persistence.read_models.notifications import SqlNotificationReads
from persistence.repositories.email_log import SqlEmailLog

log = logging.getLogger("couchtime.mail")

# Development only: production refuses to start without COUCHTIME_SIGNING_KEY. Links signed with
# this key are forgeable by anyone who reads the source, so it must never sign real links.
DEVELOPMENT_SIGNING_KEY = "couchtime-development-signing-key-not-secret"
_warned = False


def mail_folder(settings: Settings) -> Path:
    if settings.mail_dir:
        return Path(settings.mail_dir)
    if settings.is_sqlite:
        database = make_url(settings.database_url).database or ""
        if database and database != ":memory:":
            return Path(database).resolve().parent / "mail"
    return Path(tempfile.gettempdir()) / "couchtime-mail"


def signing_key(settings: Settings) -> bytes:
    global _warned
    if settings.signing_key:
        return settings.signing_key.encode()
    if not _warned:
        log.warning("COUCHTIME_SIGNING_KEY is not set: invite and unsubscribe links are signed with "
                    "the public development key (fine for development, never for production)")
        _warned = True
    return DEVELOPMENT_SIGNING_KEY.encode()


def notification_setup(settings: Settings, db: Database) -> NotificationSetup:
    """One per database engine (the API's, or the actors')."""
    if settings.smtp_host and not settings.mail_files:
        mailer = SmtpMailer(SmtpConfig(
            host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
            username=settings.smtp_username, password=settings.smtp_password,
        ), settings.mail_from)
    else:
        # production logs name the file only: a subject holds names ("New booking: <client>")
        mailer = FolderMailer(mail_folder(settings), settings.mail_from,
                              log_subjects=not settings.is_production)
    return NotificationSetup(
        mailer=mailer, log=SqlEmailLog(db), reads=SqlNotificationReads(db),
        links=Links(settings.public_app_url), signing_key=signing_key(settings),
        grace=timedelta(minutes=settings.reminder_grace_minutes),
    )
