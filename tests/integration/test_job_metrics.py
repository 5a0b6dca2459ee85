"""The Dramatiq middleware counts attempts and failures per actor, and Outlook failures by
exception type (a fixed list), on a real Dramatiq worker over the stub broker."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.stub import StubBroker

from couchtime.metrics import Metrics
from domain.outlook import OutlookUnavailable


class Boom(Exception):
    pass


def test_jobs_run_and_failed_per_actor_and_outlook_reasons():
    metrics = Metrics()
    broker = StubBroker()
    broker.emit_after("process_boot")
    broker.add_middleware(metrics.job_middleware())

    @dramatiq.actor(broker=broker, actor_name="outlook.sync_session", max_retries=1, min_backoff=1,
                    max_backoff=1)
    def sync(session_id: str) -> None:
        raise OutlookUnavailable("Graph said no for ada@example.com")

    @dramatiq.actor(broker=broker, actor_name="email.booking", max_retries=0)
    def mail(session_id: str) -> None:
        if session_id == "bad":
            raise Boom("secret")

    worker = dramatiq.Worker(broker, worker_timeout=50)
    worker.start()
    try:
        sync.send("s1")
        mail.send("ok")
        mail.send("bad")
        broker.join(sync.queue_name, fail_fast=False)
        worker.join()
    finally:
        worker.stop()
    sample = metrics.registry.get_sample_value
    assert sample("couchtime_jobs_run_total", {"actor": "outlook.sync_session"}) == 2  # one retry
    assert sample("couchtime_jobs_failed_total", {"actor": "outlook.sync_session"}) == 2
    assert sample("couchtime_outlook_sync_failures_total", {"reason": "OutlookUnavailable"}) == 2
    assert sample("couchtime_jobs_run_total", {"actor": "email.booking"}) == 2
    assert sample("couchtime_jobs_failed_total", {"actor": "email.booking"}) == 1
