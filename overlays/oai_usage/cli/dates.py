"""Date expressions of the command line: ISO dates and datetimes, `30d`/`12h`, `today`, `yesterday`, `mtd`.

Everything is UTC. A naive ISO datetime is taken as UTC; a date means its midnight.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..timeparse import to_utc

_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
ALLOWED = (
    "an ISO date or datetime (2026-11-01, 2026-11-01T12:00Z), a relative span (30d, 12h, 90m, 2w), "
    "now, today, yesterday or mtd"
)


class DateError(ValueError):
    """A date expression that cannot be read; the message says what is allowed."""


def start_of_day(moment: datetime) -> datetime:
    return to_utc(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def parse_when(text: str, *, now: datetime, option: str) -> datetime:
    """Read one date expression as an aware UTC datetime; relative spans count back from `now`."""
    value = text.strip().lower()
    if value == "now":
        return now
    if value == "today":
        return start_of_day(now)
    if value == "yesterday":
        return start_of_day(now) - timedelta(days=1)
    if value == "mtd":
        return start_of_day(now).replace(day=1)
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match.group(1)), _UNITS[match.group(2)]
        if amount == 0:
            raise DateError(f"{option}: {text!r} is an empty span; use a positive number, e.g. 30d")
        return now - timedelta(**{unit: amount})
    try:
        parsed = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise DateError(f"{option}: cannot read {text!r}; use {ALLOWED}") from None
    return to_utc(parsed)


def parse_span(text: str, *, option: str) -> timedelta:
    """Read a length such as `30d` or `12h` (for --since)."""
    match = _RELATIVE.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise DateError(f"{option}: cannot read {text!r}; use a positive span such as 30d, 12h, 90m or 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
