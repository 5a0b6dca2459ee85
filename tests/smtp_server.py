"""A real SMTP server on loopback (aiosmtpd, in a thread) that keeps every message it gets."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


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
