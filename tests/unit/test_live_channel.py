"""The live channel's default name is unique to the deployment: Redis pub/sub channels ignore
the database number, so two deployments on one Redis must not share `couchtime:live`."""

from __future__ import annotations

from couchtime.settings import Settings

PG = "postgresql+psycopg://app:secret@db.example.com:5432/practice_a"


def channel(**values: str) -> str:
    return Settings(**values).live_events_channel


def test_two_databases_give_two_channels():
    assert channel(database_url=PG) != channel(database_url=PG.replace("practice_a", "practice_b"))
    assert channel(database_url=PG) != channel(database_url=PG.replace("db.example", "db2.example"))


def test_every_process_of_one_deployment_derives_the_same_name():
    same = PG.replace("postgresql+psycopg://app:secret@", "postgresql://worker:other@")
    assert channel(database_url=PG) == channel(database_url=same)  # driver, user, password aside
    assert channel(database_url=PG).startswith("couchtime:live:")
    assert "secret" not in channel(database_url=PG) and "practice_a" not in channel(database_url=PG)


def test_a_set_channel_wins():
    assert channel(database_url=PG, live_channel="clinic-a:live") == "clinic-a:live"
    assert Settings.from_env({"COUCHTIME_LIVE_CHANNEL": "x:live"}).live_events_channel == "x:live"


def test_sqlite_files_in_different_places_differ():
    assert channel(database_url="sqlite+aiosqlite:///./a.db") != channel(database_url="sqlite+aiosqlite:///./b.db")
