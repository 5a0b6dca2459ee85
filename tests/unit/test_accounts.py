"""Account rules (`domain/accounts.py`): time zones, password strength. (Emails' characters:
tests/unit/test_text.py.)"""

from __future__ import annotations

from domain import accounts
from domain.errors import ErrorCode


def test_zones_come_from_tzdata_and_links_map_to_their_zone():
    for name in ("localtime", "Factory", "posixrules", "right/UTC", "posix/Europe/London", ""):
        assert accounts.canonical_time_zone(name) is None, name
    assert accounts.canonical_time_zone("Europe/London") == "Europe/London"
    assert accounts.canonical_time_zone("US/Eastern") == "America/New_York"
    assert accounts.canonical_time_zone("Asia/Calcutta") == "Asia/Kolkata"
    assert accounts.canonical_time_zone("UTC") == "UTC"
    assert accounts.canonical_time_zone("Etc/UTC") == "UTC"


def test_weak_passwords_are_refused_with_their_own_code():
    for weak in ("password1234", "1234567890", "qwertyuiopas", "aaaaaaaaaaaa"):
        assert [e.code for e in accounts.password_errors(weak)] == [ErrorCode.PASSWORD_TOO_WEAK], weak
    # the account's own name and email count as guessable
    assert [e.code for e in accounts.password_errors("janedoe2024", user_inputs=["janedoe"])] == [
        ErrorCode.PASSWORD_TOO_WEAK]
    assert accounts.password_errors("correct horse battery") == []
    assert accounts.password_errors("password1234", policy=accounts.PasswordPolicy(min_strength=0)) == []
    assert [e.code for e in accounts.password_errors("short")] == [ErrorCode.PASSWORD_TOO_SHORT]
    assert [e.code for e in accounts.password_errors("x" * 1025)] == [ErrorCode.TOO_LONG]
    assert [e.code for e in accounts.password_errors("tab\tinside pass")] == [ErrorCode.INVALID_CHARACTERS]
