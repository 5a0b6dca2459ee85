"""How an email words a time: Babel, in the therapist's chosen locale, always with the date.

"Tuesday, March 2, 2027 at 2:00 PM EST" (en_US), "Dienstag, 2. März 2027, 14:00 MEZ" (de_DE):
the locale decides 12- or 24-hour clocks, the order of day and month, and the joiner; English
locales join with " at " (what people write; CLDR's data here only has a comma). A zone the
locale has no short name for is named by its place ("Germany (Berlin) Time"), never a bare
offset, so a client abroad can tell whose clock it is.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time, get_timezone_location

DEFAULT_LOCALE = "en_US"


@lru_cache(maxsize=256)
def parse_locale(name: str) -> Locale | None:
    """A locale Babel knows ("en_US", "de-DE", "en_GB"), else None."""
    try:
        return Locale.parse((name or "").strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def normalize_locale(name: str) -> str | None:
    """The canonical spelling ("de-de" → "de_DE"), None for a locale Babel does not know."""
    found = parse_locale(name)
    return str(found) if found is not None else None


@lru_cache(maxsize=256)
def _patterns(name: str) -> tuple[str, str]:
    locale = parse_locale(name) or parse_locale(DEFAULT_LOCALE)
    assert locale is not None
    joiner = "{1} 'at' {0}" if locale.language == "en" else str(locale.datetime_formats["full"])
    day = locale.date_formats["full"].pattern
    clock = locale.time_formats["short"].pattern
    return joiner.replace("{1}", day).replace("{0}", clock), clock


def _zone_label(local: datetime, locale: str) -> str:
    short = format_datetime(local, "z", locale=locale)
    if any(ch.isdigit() for ch in short):  # "+0100", "GMT+1": name the place instead
        return get_timezone_location(local.tzinfo, locale=locale)
    return short


def _plain(text: str) -> str:
    """CLDR puts narrow no-break spaces before AM/PM; old mail clients show them as boxes."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _locale(name: str) -> str:
    return name if parse_locale(name) is not None else DEFAULT_LOCALE


def when(start: datetime, zone: str, locale: str) -> str:
    """The date and start time in `zone`, e.g. "Tuesday, March 2, 2027 at 2:00 PM EST"."""
    locale = _locale(locale)
    local = start.astimezone(ZoneInfo(zone))
    written = format_datetime(local, _patterns(locale)[0], locale=locale)
    return _plain(f"{written} {_zone_label(local, locale)}")


def clock_time(start: datetime, zone: str, locale: str) -> str:
    """Only the time, e.g. "2:00 PM EST" or "14:00 MEZ"."""
    locale = _locale(locale)
    local = start.astimezone(ZoneInfo(zone))
    return _plain(f"{format_time(local, _patterns(locale)[1], locale=locale)} {_zone_label(local, locale)}")


def date_only(start: datetime, zone: str, locale: str) -> str:
    """The date alone, e.g. "Tuesday, March 2, 2027" or "Dienstag, 2. März 2027"."""
    locale = _locale(locale)
    return _plain(format_date(start.astimezone(ZoneInfo(zone)), "full", locale=locale))


def day(value: date, locale: str) -> str:
    """A local date that is no instant (a waitlist's range), e.g. "Tuesday, March 2, 2027"."""
    return _plain(format_date(value, "full", locale=_locale(locale)))


def relative_when(start: datetime, zone: str, locale: str, today: date) -> str:
    """For reminders: "today at 2:00 PM EST (Tuesday, March 2, 2027)", "tomorrow at …", else
    the full form. The words are English like the rest of the emails; the locale shapes the
    date and the clock."""
    days = (start.astimezone(ZoneInfo(zone)).date() - today).days
    word = {0: "today", 1: "tomorrow"}.get(days)
    if word is None:
        return f"on {when(start, zone, locale)}"
    return f"{word} at {clock_time(start, zone, locale)} ({date_only(start, zone, locale)})"
