"""Recurring series in tests: their operations, reading a long stretch of sessions, and running
the horizon extension the scheduler runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.services.series import SeriesPolicy, extend_due

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)  # Monday; US DST starts Sunday 8 March
SERIES_FIELDS = "id start status cancelled recurring occurrenceDate series { id repeats active }"
START = """mutation($i: StartRepeatingInput!) { startRepeating(input: $i) {
  session { id } series { id repeats active } conflicts { appeared { first { id } second { id } } }
  userErrors { field code } } }"""
STOP = """mutation($i: StopRepeatingInput!) { stopRepeating(input: $i) {
  series { id active } removedSessionIds userErrors { field code } } }"""
LIST = f"""query($from: DateTime!, $to: DateTime!) {{ sessions(from: $from, to: $to) {{ {SERIES_FIELDS} }} }}"""


async def sessions_listed(api, token, start=NOW - timedelta(days=7), days=60):
    """Sessions in [start, start + days), read in calendar-sized windows."""
    found, seen = [], set()
    for offset in range(0, days, 60):
        window_start = start + timedelta(days=offset)
        window_end = min(start + timedelta(days=days), window_start + timedelta(days=60))
        page = (await api.gql(LIST, {"from": window_start.isoformat(), "to": window_end.isoformat()},
                              token=token))["sessions"]
        found += [s for s in page if s["id"] not in seen]
        seen |= {s["id"] for s in page}
    return found


async def extend_series(api):
    """What the scheduler's periodic extension job does, once."""
    runtime = api.runtime
    return await extend_due(runtime.services.uow, api.clock, runtime.services.rooms, SeriesPolicy(horizon_days=56))
