"""Logged exceptions keep their tracebacks and types but not their messages (which echo data)."""

from __future__ import annotations

import json
import logging

import pytest

from couchtime.logs import configure_logging, exception_without_messages


class RowError(Exception):
    pass


EMAIL = "jane.client@example.com"  # data: in a message, never in the source lines a traceback shows


def _raise_chain() -> None:
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except OSError as refused:
        raise RowError(f"duplicate key: Key (email)=({EMAIL})") from refused


def test_messages_are_withheld_except_for_operating_system_errors():
    with pytest.raises(RowError) as caught:
        _raise_chain()
    text = exception_without_messages(caught.value)
    assert "jane.client" not in text
    assert "RowError (message withheld" in text and "_raise_chain" in text  # type and frames
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in text  # the cause, whole
    assert text.index("ConnectionRefusedError") < text.index("RowError")  # cause first, as Python does


@pytest.mark.parametrize("json_lines", [False, True])
def test_a_logged_exception_shows_no_personal_data(capfd, json_lines):
    configure_logging(json_lines=json_lines, level="INFO")
    try:
        _raise_chain()
    except RowError:
        logging.getLogger("couchtime.test").exception("sending the reminder failed")
    err = capfd.readouterr().err
    assert "sending the reminder failed" in err and "RowError" in err
    assert "jane.client" not in err
    if json_lines:
        [line] = [x for x in err.splitlines() if "sending the reminder failed" in x]  # other threads log too
        entry = json.loads(line)
        assert "message withheld" in entry["exc"]
