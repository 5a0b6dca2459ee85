"""Domain events as live messages: plain JSON-able dicts that cross processes (Redis pub/sub)
and carry IDs and times only — never names, emails or notes."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from uuid import UUID

from domain.events import DomainEvent


def _plain(value: object) -> object:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def to_message(event: DomainEvent) -> dict:
    message = {f.name: _plain(getattr(event, f.name)) for f in dataclasses.fields(event)}
    message["type"] = type(event).__name__
    return message


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


class LiveOverflow(Exception):
    """A live subscriber fell behind and was dropped; the client reconnects and refetches."""
