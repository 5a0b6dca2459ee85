"""The floors bench_http compares Couchtime with: what the stack itself does, nothing of ours.

- `starlette_app`: a bare Starlette JSON endpoint (the HTTP floor).
- `strawberry_app`: Strawberry with its ParserCache and ValidationCache extensions (the tuned
  floor), serving `{ hello }` and, from memory, the same shapes Couchtime serves: the
  `availableSlots` list and the month view (`sessions` + `conflicts`). It takes the same
  arguments as Couchtime's fields (and ignores them), so one request body fits both. The data is
  Couchtime's own answer, read once at start-up from the JSON file named by BENCH_FLOOR_DATA.

    uvicorn bench.floors:starlette_app   /   uvicorn bench.floors:strawberry_app
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache


async def _hello(request) -> JSONResponse:
    return JSONResponse({"data": {"hello": "world"}})


starlette_app = Starlette(routes=[Route("/graphql", _hello, methods=["GET", "POST"])])


@strawberry.enum
class SessionStatus(Enum):
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"


@strawberry.enum
class PaymentStatus(Enum):
    NO_FEE = "NO_FEE"
    UNPAID = "UNPAID"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"


@strawberry.enum
class SessionVisit(Enum):
    TELEHEALTH = "TELEHEALTH"
    IN_PERSON = "IN_PERSON"


@strawberry.type
class AvailableSlot:
    start: datetime
    local_start: str
    local_date: str
    local_time: str


@strawberry.type
class EventType:
    title: str
    minutes: int


@strawberry.type
class Client:
    full_name: str


@strawberry.type
class Session:
    id: strawberry.ID
    start: datetime
    end: datetime
    status: SessionStatus
    payment_status: PaymentStatus
    conflict: bool
    recurring: bool
    visit_type: SessionVisit
    meeting_url: str | None
    event_type: EventType
    client: Client


@strawberry.type
class SessionRef:
    id: strawberry.ID


@strawberry.type
class ConflictPair:
    first: SessionRef
    second: SessionRef


def _enum(kind, value: str):
    return kind(value) if value in kind._value2member_map_ else next(iter(kind))


def _load() -> tuple[list[AvailableSlot], list[Session], list[ConflictPair]]:
    path = os.environ.get("BENCH_FLOOR_DATA")
    if not path:
        return [], [], []
    with open(path) as f:
        raw = json.load(f)
    slots = [AvailableSlot(start=datetime.fromisoformat(s["start"]), local_start=s["localStart"],
                           local_date=s["localDate"], local_time=s["localTime"])
             for s in raw["slots"]]
    sessions = [
        Session(
            id=strawberry.ID(s["id"]), start=datetime.fromisoformat(s["start"]),
            end=datetime.fromisoformat(s["end"]), status=_enum(SessionStatus, s["status"]),
            payment_status=_enum(PaymentStatus, s["paymentStatus"]), conflict=s["conflict"],
            recurring=s["recurring"], visit_type=_enum(SessionVisit, s["visitType"]),
            meeting_url=s["meetingUrl"],
            event_type=EventType(title=s["eventType"]["title"], minutes=s["eventType"]["minutes"]),
            client=Client(full_name=s["client"]["fullName"]),
        )
        for s in raw["sessions"]
    ]
    pairs = [ConflictPair(first=SessionRef(id=p["first"]["id"]), second=SessionRef(id=p["second"]["id"]))
             for p in raw["conflicts"]]
    return slots, sessions, pairs


SLOTS, SESSIONS, PAIRS = _load()


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"

    @strawberry.field
    def available_slots(self, username: str, event_type_id: strawberry.ID, from_: Annotated[datetime, strawberry.argument(name="from")],
                        to: datetime, time_zone: str = "UTC") -> list[AvailableSlot]:
        return SLOTS

    @strawberry.field
    def sessions(self, from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime) -> list[Session]:
        return SESSIONS

    @strawberry.field
    def conflicts(self, from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime) -> list[ConflictPair]:
        return PAIRS


schema = strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache])
strawberry_app = GraphQL(schema, graphql_ide=None)
