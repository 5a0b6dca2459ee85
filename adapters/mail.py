"""Email delivery: SMTP (aiosmtplib) in production, a folder of .eml files in development.

Both render `domain.notifications.Email` the same way: a multipart/alternative message with a
plain-text part and an HTML part (every value HTML-escaped), and a text/calendar part
(`method=REQUEST|CANCEL`, adapters/calendar_invite.py) when the email carries an invite: mail
apps show it as an invitation, calendar apps add, move or remove the session. Only the development folder
mailer logs a subject — never the recipient or the body; production logs none.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from string import Template

import aiosmtplib

from adapters.calendar_invite import render_ics
from domain.notifications import Email

log = logging.getLogger(__name__)

_HTML = Template("""<!doctype html>
<html><body style="font-family: sans-serif; color: #222; max-width: 560px">
$paragraphs
$button
$footer
</body></html>
""")
_BUTTON = Template('<p><a href="$url" style="display: inline-block; padding: 10px 18px; '
                   'background: #2f6f5e; color: #fff; text-decoration: none; border-radius: 4px">'
                   "$label</a></p>")


def render_text(email: Email) -> str:
    parts = list(email.lines)
    if email.button:
        parts.append(f"{email.button[0]}: {email.button[1]}")
    parts += [f"{label}: {url}" for label, url in email.footer]
    return "\n\n".join(parts) + "\n"


def render_html(email: Email) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in email.lines)
    button = _BUTTON.substitute(url=html.escape(email.button[1]), label=html.escape(email.button[0])) \
        if email.button else ""
    footer = "\n".join(
        f'<p style="font-size: 12px; color: #666"><a href="{html.escape(url)}">{html.escape(label)}</a></p>'
        for label, url in email.footer
    )
    return _HTML.substitute(paragraphs=paragraphs, button=button, footer=footer)


def build_message(email: Email, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_domain(from_address))
    for _label, url in email.footer:
        if "unsubscribe" in url:
            message["List-Unsubscribe"] = f"<{url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(render_text(email))
    message.add_alternative(render_html(email), subtype="html")
    if email.invite is not None:
        ics = render_ics(email.invite).decode()
        message.add_alternative(ics, subtype="calendar",
                                params={"method": email.invite.method.value})
    return message


def _domain(address: str) -> str:
    found = re.search(r"@([^>\s]+)", address)
    return found.group(1) if found else "localhost"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | tls | none
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0


class SmtpMailer:
    """One SMTP connection per email (workers send few, and a connection never goes stale).

    Logs nothing about the email (the use case logs its kind): production logs hold no names.
    """

    def __init__(self, config: SmtpConfig, from_address: str) -> None:
        self.config = config
        self.from_address = from_address

    async def send(self, email: Email) -> None:
        c = self.config
        await aiosmtplib.send(
            build_message(email, self.from_address), hostname=c.host, port=c.port,
            use_tls=c.security == "tls", start_tls=True if c.security == "starttls" else False,
            username=c.username or None, password=c.password or None, timeout=c.timeout,
        )


class FolderMailer:
    """Development (or production with COUCHTIME_MAIL_FILES=true): each email becomes
    `<folder>/<UTC time>-<random>.eml`, readable by its owner only (0600, in a 0700 folder it
    creates). In development the log line has its subject, so a developer can find it; with
    `log_subjects=False` (production) only the file name."""

    def __init__(self, folder: Path, from_address: str, *, log_subjects: bool = True) -> None:
        self.folder = Path(folder)
        self.from_address = from_address
        self.log_subjects = log_subjects

    async def send(self, email: Email) -> None:
        data = build_message(email, self.from_address).as_bytes()
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        path = self.folder / name
        await asyncio.to_thread(self._write, path, data)
        if self.log_subjects:
            log.info("email written to %s: %s", path, email.subject)
        else:
            log.info("email written to %s", path)

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # created 0600 whatever the umask: an email holds names, times and meeting links
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
