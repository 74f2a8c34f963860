"""Internal: date expressions of the command line, and the one range rule every command uses.

Forms: ISO dates and datetimes, Unix seconds, relative spans (`30d`, `12h`, `90m`, `2w`), `now`, `today`,
`yesterday`, `mtd`. Dates are read in one time zone (UTC unless `--tz`/`OAI_USAGE_TZ` names another): a date
means its local midnight, an ISO datetime without an offset is local time.

The range rule (RULE): a relative span counts whole units back, the current (partial) unit included, and starts
on a unit boundary: `30d` starts at midnight 29 days before today, `12h` at the start of the hour 11 hours before
the current one, `90m` at the start of the minute 89 minutes ago, `2w` = `14d`. `--since X` is `--start X`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..timeparse import from_unix_seconds
from .exit_codes import CliError

__all__ = [
    "ALLOWED",
    "LOCAL_COLUMNS",
    "RULE",
    "TZ_VARIABLE",
    "DateError",
    "check_not_future",
    "is_midnight",
    "local_midnight",
    "parse_span",
    "parse_when",
    "relative",
    "start_of_day",
    "with_local_times",
    "zone",
    "zone_name",
]

_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNIX = re.compile(r"^\d{9,}$")  # Unix seconds: 9 digits or more (8 digits read as an ISO basic date)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TZ_VARIABLE = "OAI_USAGE_TZ"
ALLOWED = (
    "an ISO date or datetime (2026-11-01, 2026-11-01T12:00Z), Unix seconds (1795000000), "
    "a relative span (30d, 12h, 90m, 2w), now, today, yesterday or mtd"
)
RULE = (
    "a span counts whole units back, the current one included: 30d = from midnight 29 days before today, "
    "12h = from the start of the hour 11 hours ago"
)


class DateError(CliError, ValueError):
    """A date expression or time zone that cannot be read; the message says what is allowed (exit 2)."""


def zone(name: str | None) -> tzinfo:
    """The time zone named by --tz, else $OAI_USAGE_TZ, else UTC; DateError for an unknown name."""
    option = "--tz" if name else TZ_VARIABLE
    text = (name if name else os.environ.get(TZ_VARIABLE, "")).strip()
    if not text or text.upper() in {"UTC", "Z", "ETC/UTC"}:
        return UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise DateError(
            f"{option}: unknown time zone {text!r}; use an IANA name such as Europe/Berlin, America/New_York or UTC"
        ) from None


def zone_name(tz: tzinfo) -> str:
    return "UTC" if tz is UTC else str(tz)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which `day` starts in `tz`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def start_of_day(moment: datetime, tz: tzinfo = UTC) -> datetime:
    """The UTC instant of the local midnight at or before `moment`."""
    return local_midnight(moment.astimezone(tz).date(), tz)


def is_midnight(moment: datetime, tz: tzinfo) -> bool:
    return start_of_day(moment, tz) == moment


def _floor(moment: datetime, unit: str, tz: tzinfo) -> datetime:
    if unit in {"d", "w"}:
        return start_of_day(moment, tz)
    local = moment.astimezone(tz)
    local = local.replace(minute=0 if unit == "h" else local.minute, second=0, microsecond=0)
    return local.astimezone(UTC)


def relative(amount: int, unit: str, now: datetime, tz: tzinfo) -> datetime:
    """The start of a span of `amount` whole units ending with the current (partial) one (see RULE)."""
    if unit in {"d", "w"}:
        days = amount * (7 if unit == "w" else 1)
        return local_midnight(now.astimezone(tz).date() - timedelta(days=days - 1), tz)
    return _floor(now, unit, tz) - timedelta(**{_UNITS[unit]: amount - 1})


def parse_when(text: str, *, now: datetime, option: str, tz: tzinfo = UTC) -> datetime:
    """Read one date expression as an aware UTC datetime (dates and naive times in `tz`)."""
    value = text.strip().lower()
    if value == "now":
        return now
    if value == "today":
        return start_of_day(now, tz)
    if value == "yesterday":
        return local_midnight(now.astimezone(tz).date() - timedelta(days=1), tz)
    if value == "mtd":
        return local_midnight(now.astimezone(tz).date().replace(day=1), tz)
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if amount == 0:
            raise DateError(f"{option}: {text!r} is an empty span; use a positive number, e.g. 30d")
        try:
            return relative(amount, unit, now, tz)
        except (OverflowError, ValueError):
            raise DateError(f"{option}: {text!r} reaches too far back") from None
    if _UNIX.match(value):
        try:
            return from_unix_seconds(int(value))
        except (OverflowError, ValueError, OSError):
            raise DateError(f"{option}: {text!r} is out of range for Unix seconds") from None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise DateError(f"{option}: cannot read {text!r}; use {ALLOWED}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def parse_span(text: str, *, option: str) -> tuple[int, str]:
    """Read a span such as `30d` or `12h` (for --since) as (amount, unit letter)."""
    match = _RELATIVE.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise DateError(f"{option}: cannot read {text!r}; use a positive span such as 30d, 12h, 90m or 2w")
    return int(match.group(1)), match.group(2)


LOCAL_COLUMNS = ("bucket_start_local", "bucket_end_local")


def with_local_times(rows: Iterable[dict[str, Any]], tz: tzinfo) -> Iterator[dict[str, Any]]:
    """Rows with the bucket's start and end in `tz` added (ISO 8601 with offset); the UTC instants stay."""
    for row in rows:
        for utc_key, local_key in zip(("bucket_start", "bucket_end"), LOCAL_COLUMNS, strict=True):
            moment = row.get(utc_key)
            row[local_key] = moment.astimezone(tz).isoformat() if isinstance(moment, datetime) else None
        yield row


def check_not_future(start: datetime, end: datetime, now: datetime) -> None:
    """A range that starts after now (the server's) has nothing to show: one line naming it (exit 2)."""
    if start > now:
        utc = "%Y-%m-%dT%H:%M:%SZ"
        raise DateError(
            f"the range {start.astimezone(UTC):{utc}} to {end.astimezone(UTC):{utc}} starts after now "
            f"({now.astimezone(UTC):{utc}}): there is no data yet"
        )
