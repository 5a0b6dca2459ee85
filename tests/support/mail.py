"""A real SMTP server on loopback (aiosmtpd, in a thread) that keeps every message it gets, the
links the emails carry, and the one mail-enabled API per backend the email tests share."""

from __future__ import annotations

import asyncio
import atexit
import email
import re
import socket
import threading
import time
from email.message import EmailMessage
from email.policy import default
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

APP_URL = "http://app.couchtime.test"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str, subject_part: str = "") -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages
                    if m["To"] == address and subject_part in str(m["Subject"])]

    async def wait_for(self, address: str, subject_part: str = "", count: int = 1,
                       timeout: float = 15) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address, subject_part)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {count} email(s) to {address} with {subject_part!r}: "
                             f"{[m['Subject'] for m in self.to(address)]}")

    async def settle(self, seconds: float = 1.0) -> None:
        """Time for jobs that should send nothing to have run."""
        await asyncio.sleep(seconds)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def start_smtp() -> tuple[Controller, Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port (aiosmtpd's self-check needs a real one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    return controller, inbox


def link_in(message, path: str) -> str:
    found = re.search(re.escape(APP_URL) + re.escape(path) + r"\?token=[^\s\"<>]+", text_of(message))
    assert found, text_of(message)
    return found.group(0)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def mail_settings(inbox: Inbox) -> dict:
    """Settings of an app that sends its email to `inbox`, with links to APP_URL."""
    return {"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_security": "none",
            "public_app_url": APP_URL, "scheduler_tick_seconds": 0,
            "mail_from": "Couchtime <no-reply@couchtime.test>"}


_SMTP: list = []
_APIS: dict[str, object] = {}


def shared_smtp():
    """One aiosmtpd server for the whole run (stopped at exit)."""
    if not _SMTP:
        controller, inbox = start_smtp()
        atexit.register(controller.stop)
        _SMTP.append(inbox)
    return _SMTP[0]


async def shared_mail_api(start_shared_api, backend: str):
    """One server per backend for all email tests (each server holds database connections until
    the session ends; the PostgreSQL test server allows 100)."""
    if backend not in _APIS:
        _APIS[backend] = await start_shared_api(backend, **mail_settings(shared_smtp()))
    return _APIS[backend]
