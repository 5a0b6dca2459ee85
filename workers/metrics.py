"""Counting jobs at the edge: a Dramatiq middleware, fed the counters by the composition root.

Labels are actor names (a fixed registry) and exception class names from a fixed list: never
an argument, an ID or a message.
"""

from __future__ import annotations

from collections.abc import Callable

import dramatiq

OUTLOOK_REASONS = frozenset({"OutlookUnavailable", "OutlookRejected", "OutlookGrantRevoked",
                             "OutlookUnauthorized", "TimeLimitExceeded"})


class JobMetrics(dramatiq.Middleware):
    """`run(actor)` after every attempt, `failed(actor)` after one that raised (a retry that
    follows counts again), `outlook_failed(reason)` for a raising `outlook.*` job."""

    def __init__(self, *, run: Callable[[str], None], failed: Callable[[str], None],
                 outlook_failed: Callable[[str], None]) -> None:
        self.run = run
        self.failed = failed
        self.outlook_failed = outlook_failed

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        self.run(message.actor_name)
        if exception is not None:
            self.failed(message.actor_name)
            if message.actor_name.startswith("outlook."):
                name = type(exception).__name__
                self.outlook_failed(name if name in OUTLOOK_REASONS else "other")

    def after_skip_message(self, broker, message) -> None:
        self.run(message.actor_name)
        self.failed(message.actor_name)
