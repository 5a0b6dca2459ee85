"""Live messages: the domain events themselves, typed, with one place that turns them into JSON
for the bus (Redis pub/sub between processes) and back.

A message carries what its event carries: IDs, times, kinds, a token's hash — never names,
emails or notes. Code that reacts to live messages tests their class (`isinstance(m,
SessionChanged)`), never a string. A message of a type this process does not know (a newer
process during a rolling deploy) decodes to None and is skipped.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.events import DomainEvent

TYPE_KEY = "type"  # the only key the wire format adds to the event's fields


class LiveOverflow(Exception):
    """A live subscriber fell behind and was dropped; the client reconnects and refetches."""


class Delivery:
    """One message as this process hands it to each of its subscribers: the same instance for
    all of them, so work they share (resolving the same document for the same viewer) is done
    once and kept in `shared` for as long as any of them still holds the delivery."""

    __slots__ = ("event", "shared")

    def __init__(self, event: DomainEvent) -> None:
        self.event = event
        self.shared: dict[object, object] = {}


def encode(event: DomainEvent) -> str:
    fields = {f.name: _plain(getattr(event, f.name)) for f in dataclasses.fields(event)}
    fields[TYPE_KEY] = type(event).__name__
    return json.dumps(fields, separators=(",", ":"))


def decode(raw: str | bytes) -> DomainEvent | None:
    """The event encoded in `raw`; None for an unknown type. A known type with missing or
    malformed fields raises ValueError, TypeError or KeyError (the bus logs and skips it)."""
    fields = json.loads(raw)
    cls = event_type(fields.pop(TYPE_KEY, ""))
    if cls is None:
        return None
    hints = _hints(cls)
    return cls(**{name: _typed(hints[name], value) for name, value in fields.items()
                  if name in hints})


def event_type(name: str) -> type[DomainEvent] | None:
    found = _REGISTRY.get(name)
    if found is None:  # a module defining events may have been imported since
        _REGISTRY.update(_all_event_types())
        found = _REGISTRY.get(name)
    return found


def _all_event_types() -> dict[str, type[DomainEvent]]:
    found: dict[str, type[DomainEvent]] = {}
    pending = [DomainEvent]
    while pending:
        for sub in pending.pop().__subclasses__():
            found[sub.__name__] = sub
            pending.append(sub)
    return found


_REGISTRY: dict[str, type[DomainEvent]] = {}
_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _plain(value: object) -> object:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    return value


def _typed(hint: Any, value: Any) -> Any:
    """`value` (from JSON) as the field's declared type."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _typed(inner[0], value)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(args[0], v) for v in value)
        return tuple(_typed(a, v) for a, v in zip(args, value, strict=True))
    if origin in (frozenset, set):
        return origin(_typed(typing.get_args(hint)[0], v) for v in value)
    if hint is UUID:
        return UUID(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value
