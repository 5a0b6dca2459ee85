"""Production mail and logs (issue 13): no silent .eml files, files only their owner reads,
no subject or name in production logs at any level, no bound values in driver debug logs."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from couchtime.logs import configure_logging
from couchtime.settings import Settings, SettingsError
from tests.support.booking import book, slots, therapist_with_hours
from tests.support.calendar import create, practice

KEY = "k" * 40


@pytest.fixture
def quiet_after():
    """These tests log at DEBUG into pytest's captured stderr: afterwards, put the process's
    logging back to what the other tests use (their apps keep running and logging)."""
    yield
    configure_logging(json_lines=False, level="WARNING")
NOTE = """mutation($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) { userErrors { code } } }"""


def test_production_refuses_to_start_without_smtp_unless_files_are_chosen():
    base = {"COUCHTIME_ENV": "production", "COUCHTIME_SIGNING_KEY": KEY}
    with pytest.raises(SettingsError, match="COUCHTIME_SMTP_HOST"):
        Settings.from_env(base)
    assert Settings.from_env({**base, "COUCHTIME_SMTP_HOST": "smtp.example.com"}).smtp_host
    assert Settings.from_env({**base, "COUCHTIME_MAIL_FILES": "true"}).mail_files
    assert Settings.from_env({}).smtp_host == ""  # development: files, as before


def test_couchtime_serve_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUCHTIME_")}
    env.update({"COUCHTIME_ENV": "production", "COUCHTIME_SIGNING_KEY": KEY})
    result = subprocess.run([str(Path(sys.executable).with_name("couchtime")), "serve", "--port", "1"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "COUCHTIME_SMTP_HOST" in result.stderr and "COUCHTIME_MAIL_FILES" in result.stderr
    assert "Traceback" not in result.stderr


async def test_chosen_mail_files_are_private_and_production_logs_hold_no_names(start_api, tmp_path, capfd,
                                                                            quiet_after):
    folder = tmp_path / "mail"
    api = await start_api("sqlite", env="production", mail_files=True, mail_dir=str(folder),
                          signing_key=KEY, log_level="DEBUG", log_format="json")
    now = api.clock.now()
    token, therapist, event_type = await therapist_with_hours(api)
    found = await slots(api, therapist["username"], event_type, now + timedelta(days=2), now + timedelta(days=9))
    booked = await book(api, therapist["username"], event_type, found[0]["start"],
                        first="Quintessa", last="Vanderbilt", email="quintessa@example.com")
    assert booked["userErrors"] == []
    for _ in range(200):
        files = sorted(folder.glob("*.eml")) if folder.exists() else []
        if len(files) >= 2:  # the client's confirmation and the therapist's notice
            break
        await asyncio.sleep(0.05)
    assert len(files) >= 2
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert any("Vanderbilt" in p.read_text() for p in files)  # the email itself has the name
    err = capfd.readouterr().err
    assert "email written to" in err  # the file is logged ...
    for secret in ("Vanderbilt", "Quintessa", "quintessa@example.com", "New booking", "is booked"):
        assert secret not in err, secret  # ... but never its subject, a name or an address


async def test_driver_debug_logs_carry_no_bound_values(start_api, capfd, quiet_after):
    api = await start_api("sqlite", log_level="DEBUG")
    token, _, event_type, client = await practice(api)
    session = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    capfd.readouterr()
    text = "Patient disclosed zanzibarite nightmares"
    written = await api.gql(NOTE, {"i": {"sessionId": session["id"], "text": text}}, token=token)
    assert written["writeSessionNote"]["userErrors"] == []
    await asyncio.sleep(0.05)
    err = capfd.readouterr().err
    assert "zanzibarite" not in err
