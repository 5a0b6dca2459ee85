"""Real `couchtime serve` processes on one database, and the booking-race scenario over HTTP.

Shared by bench/bench_booking.py and the race tests (tests/integration/test_*_race.py): several server
processes (as in production behind a load balancer) against one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

COUCHTIME = str(Path(sys.executable).with_name("couchtime"))
CHEAP_HASHING = {
    "COUCHTIME_ARGON2_TIME_COST": "1",
    "COUCHTIME_ARGON2_MEMORY_KIB": "8",
    "COUCHTIME_ARGON2_PARALLELISM": "1",
}
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


def run_couchtime(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The `couchtime` command with these arguments, none of the caller's COUCHTIME_ settings."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COUCHTIME_")}
    full_env.update(env or {})
    return subprocess.run([COUCHTIME, *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=60)


def process_env(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without any COUCHTIME_* variable, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUCHTIME_")}
    env.update(CHEAP_HASHING)
    env["COUCHTIME_DATABASE_POOL_SIZE"] = "3"  # several processes share the test server
    env["COUCHTIME_DATABASE_MAX_OVERFLOW"] = "5"
    env["COUCHTIME_DATABASE_URL"] = database_url
    env["COUCHTIME_SIGNUP_LIMIT_PER_ADDRESS"] = "100000"  # benches sign up many from one address
    env.update(settings)
    return env


def migrate(database_url: str) -> None:
    """`couchtime migrate` on the database, as an operator runs it before a release."""
    result = subprocess.run([COUCHTIME, "migrate"], env=process_env(database_url),
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"couchtime migrate failed ({result.returncode}): {result.stderr}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServeProcess:
    """One `couchtime serve` subprocess; its output goes to a temporary file."""

    port: int
    popen: subprocess.Popen
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        self.log_path.unlink(missing_ok=True)


def start_serve(database_url: str, **settings: str) -> ServeProcess:
    port = free_port()
    fd, name = tempfile.mkstemp(prefix=f"couchtime-serve-{port}-", suffix=".log")
    with os.fdopen(fd, "w") as out:
        popen = subprocess.Popen(
            [COUCHTIME, "serve", "--port", str(port)], env=process_env(database_url, **settings),
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    return ServeProcess(port, popen, Path(name))


async def wait_ready(proc: ServeProcess, timeout: float = 30) -> None:
    """Until GET /readyz says 200; fails early (with the process's output) if it exits."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as http:
        while True:
            if proc.popen.poll() is not None:
                raise RuntimeError(f"couchtime serve exited ({proc.popen.returncode}):\n{proc.log()}")
            try:
                if (await http.get(f"{proc.base_url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"couchtime serve not ready after {timeout} s:\n{proc.log()}")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def serve_processes(database_url: str, count: int = 2, **settings: str
                          ) -> AsyncIterator[list[ServeProcess]]:
    """`count` ready `couchtime serve` processes on the database; all stopped on exit."""
    procs: list[ServeProcess] = []
    try:
        for _ in range(count):
            procs.append(start_serve(database_url, **settings))
        await asyncio.gather(*(wait_ready(p) for p in procs))
        yield procs
    finally:
        for proc in procs:
            proc.stop()


# --- GraphQL over HTTP -------------------------------------------------------------------


class HttpFailure(AssertionError):
    """A response that is not HTTP 200 with a JSON body."""


@asynccontextmanager
async def fresh_pg_servers(count: int = 2, **settings: str) -> AsyncIterator[tuple[list[str], str]]:
    """`count` `couchtime serve` processes on one fresh, migrated PostgreSQL database (the race
    tests'): their base URLs and the database URL. Afterwards no process may have logged a
    traceback (a masked error, 500 or INTERNAL_SERVER_ERROR, logs one)."""
    from tests.support.app import PG_URL, need  # the test app (not needed by the benches)
    from tests.support.databases import create_pg_database

    url, drop = create_pg_database(need("database", PG_URL))
    try:
        await asyncio.to_thread(migrate, url)
        async with serve_processes(url, count, **{"COUCHTIME_LOG_LEVEL": "WARNING", **settings}) as procs:
            yield [p.base_url for p in procs], url
            for p in procs:
                assert "Traceback" not in p.log(), p.log()
    finally:
        drop()


async def post(http: httpx.AsyncClient, base_url: str, query: str, variables: dict | None = None,
               token: str | None = None) -> dict:
    """The whole JSON body of a GraphQL POST; anything but HTTP 200 raises HttpFailure."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(f"{base_url}/graphql", headers=headers,
                               json={"query": query, "variables": variables or {}})
    if response.status_code != 200:
        raise HttpFailure(f"HTTP {response.status_code} from {base_url}: {response.text[:2000]}")
    return response.json()


async def gql(http: httpx.AsyncClient, base_url: str, query: str, variables: dict | None = None,
              token: str | None = None) -> dict:
    """`data` of a request that must succeed without GraphQL errors."""
    body = await post(http, base_url, query, variables, token)
    if body.get("errors"):
        raise AssertionError(f"GraphQL errors from {base_url}: {body['errors']}")
    return body["data"]


async def mutate(http: httpx.AsyncClient, base_url: str, field_name: str, input_type: str,
                 selection: str, values: dict, token: str | None = None) -> dict:
    """`field_name(input: values) { selection userErrors }`, which must hold no user error."""
    query = (f"mutation($i: {input_type}!) {{ {field_name}(input: $i) "
             f"{{ {selection} userErrors {{ field code message }} }} }}")
    payload = (await gql(http, base_url, query, {"i": values}, token))[field_name]
    if payload["userErrors"]:
        raise AssertionError(f"{field_name}: {payload['userErrors']}")
    return payload


# --- the booking scenario ------------------------------------------------------------------

BOOK_SESSION = """
mutation Book($i: BookSessionInput!) {
  bookSession(input: $i) {
    confirmation { reference start minutes visitType }
    userErrors { field code message }
  }
}"""

AVAILABLE_SLOTS = """
query Slots($u: String!, $e: ID!, $from: DateTime!, $to: DateTime!, $tz: String!) {
  availableSlots(username: $u, eventTypeId: $e, from: $from, to: $to, timeZone: $tz) {
    start localStart localDate localTime
  }
}"""


@dataclass
class BookablePractice:
    """A therapist with weekly hours and one event type, ready to take bookings."""

    token: str
    username: str
    event_type_id: str
    time_zone: str
    client_counter: list[int] = field(default_factory=lambda: [0])


async def sign_up(http: httpx.AsyncClient, base_url: str, time_zone: str = "America/New_York"
                  ) -> tuple[str, str]:
    """(token, username) of a new therapist."""
    suffix = uuid.uuid4().hex[:10]
    payload = await mutate(
        http, base_url, "signUp", "SignUpInput", "token therapist { username }",
        {"email": f"t{suffix}@example.com", "password": "correct horse battery",
         "displayName": "Dr Race", "username": f"t-{suffix}", "timeZone": time_zone},
    )
    return payload["token"], payload["therapist"]["username"]


async def set_week(http: httpx.AsyncClient, base_url: str, token: str,
                   slots: Sequence[tuple[str, str]]) -> None:
    """The same slots on all seven days: set Monday, copy it to the other six."""
    await mutate(http, base_url, "setDayAvailability", "SetDayAvailabilityInput",
                 "weeklyAvailability { day }",
                 {"day": "MONDAY", "slots": [{"start": s, "end": e} for s, e in slots]}, token)
    await mutate(http, base_url, "copyDayAvailability", "CopyDayAvailabilityInput",
                 "weeklyAvailability { day }", {"fromDay": "MONDAY", "toDays": WEEKDAYS[1:]}, token)


async def create_event_type(http: httpx.AsyncClient, base_url: str, token: str,
                            minutes: int = 50) -> str:
    payload = await mutate(http, base_url, "createEventType", "CreateEventTypeInput",
                           "eventType { id }",
                           {"title": "Therapy session", "minutes": minutes,
                            "visitType": "TELEHEALTH_ONLY"}, token)
    return payload["eventType"]["id"]


async def open_practice(http: httpx.AsyncClient, base_url: str,
                        time_zone: str = "America/New_York") -> BookablePractice:
    """Sign up, open every day 00:00–24:00, add a 50-minute telehealth event type."""
    token, username = await sign_up(http, base_url, time_zone)
    await set_week(http, base_url, token, [("00:00", "24:00")])
    event_type_id = await create_event_type(http, base_url, token)
    return BookablePractice(token, username, event_type_id, time_zone)


async def available_starts(http: httpx.AsyncClient, base_url: str, practice: BookablePractice,
                           start: datetime, end: datetime, time_zone: str = "UTC") -> list[dict]:
    data = await gql(http, base_url, AVAILABLE_SLOTS, {
        "u": practice.username, "e": practice.event_type_id, "from": start.isoformat(),
        "to": end.isoformat(), "tz": time_zone,
    })
    return data["availableSlots"]


async def slot_days_ahead(http: httpx.AsyncClient, base_url: str, practice: BookablePractice,
                          days: int = 2) -> str:
    """The first free start at least `days` days from now (listing now → +7 days)."""
    now = datetime.now(UTC)
    slots = await available_starts(http, base_url, practice, now, now + timedelta(days=7),
                                   "Europe/Berlin")
    later = [s["start"] for s in slots
             if datetime.fromisoformat(s["start"]) >= now + timedelta(days=days)]
    if not later:
        raise AssertionError(f"no free slot {days} days ahead among {len(slots)} listed")
    return later[0]


def booking_input(practice: BookablePractice, start: str, *, key: str | None = None,
                  n: int | None = None) -> dict:
    """A bookSession input for `start`; a new client (n-th) and key unless given."""
    if n is None:
        practice.client_counter[0] += 1
        n = practice.client_counter[0]
    return {
        "username": practice.username, "eventTypeId": practice.event_type_id, "start": start,
        "client": {"firstName": f"Client{n}", "lastName": "Racer", "email": f"client{n}@example.com"},
        "timeZone": "Europe/London", "idempotencyKey": key or uuid.uuid4().hex,
    }


async def book_concurrently(http: httpx.AsyncClient, base_urls: Sequence[str],
                            inputs: Sequence[dict]) -> list[dict]:
    """Every input sent at once, the i-th to base_urls[i % len]; the full response bodies."""
    return await asyncio.gather(*(
        post(http, base_urls[i % len(base_urls)], BOOK_SESSION, {"i": values})
        for i, values in enumerate(inputs)
    ))
