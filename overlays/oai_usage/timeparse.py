"""Times in, Unix seconds out: `datetime` (naive means UTC), `date` (midnight UTC), ISO 8601 strings, ints."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from .errors import ValidationError

__all__ = [
    "ALLOWED_FORMS",
    "MAX_UNIX_SECONDS",
    "TimeLike",
    "from_unix_seconds",
    "iso",
    "iso_datetime",
    "to_unix_seconds",
    "to_utc",
]

TimeLike = datetime | date | str | int

# The sandbox's bound on times (sandbox/oai_usage_sandbox/params.py, MAX_TIME): client and server agree on
# what a time is. Far past any real timestamp (year 36812), small enough for exact arithmetic everywhere.
MAX_UNIX_SECONDS = 1 << 40

ALLOWED_FORMS = (
    "a datetime (naive means UTC), a date, an ISO 8601 string such as '2026-11-01' or '2026-11-01T12:00:00Z', "
    "or Unix seconds as an int"
)


def to_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_unix_seconds(value: object, param: str = "time") -> int:
    """Unix seconds (floored to the second) for any accepted form; ValidationError naming `param` otherwise."""
    if isinstance(value, bool):
        raise ValidationError(f"{param} must be {ALLOWED_FORMS}; got a bool", param=param)
    if isinstance(value, int):
        if value < 0:
            raise ValidationError(f"{param} must not be negative, got {value}", param=param)
        if value >= MAX_UNIX_SECONDS:
            raise ValidationError(
                f"{param} must be Unix seconds below 2**40 ({MAX_UNIX_SECONDS}), got {value}", param=param
            )
        return value
    if isinstance(value, datetime):
        moment = to_utc(value)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0), tzinfo=UTC)
    elif isinstance(value, str):
        moment = _parse_iso(value, param)
    else:
        raise ValidationError(f"{param} must be {ALLOWED_FORMS}; got {type(value).__name__}", param=param)
    seconds = int(moment.timestamp() // 1)
    if seconds < 0:
        raise ValidationError(f"{param} must not be before 1970-01-01, got {value!r}", param=param)
    return seconds


def _parse_iso(text: str, param: str) -> datetime:
    stripped = text.strip()
    try:
        # Python 3.11 reads the full ISO 8601 profile used here: dates, "T"/" " separators, "Z", offsets.
        return to_utc(datetime.fromisoformat(stripped))
    except ValueError:
        raise ValidationError(f"{param} {text!r} is not a valid time; use {ALLOWED_FORMS}", param=param) from None


def from_unix_seconds(seconds: int) -> datetime:
    """An aware UTC datetime for Unix seconds."""
    return datetime.fromtimestamp(seconds, UTC)


def iso_datetime(moment: datetime) -> str:
    """A datetime as ISO 8601 UTC with a Z, e.g. 2026-11-01T00:00:00Z (naive means UTC)."""
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(seconds: int) -> str:
    """Unix seconds as ISO 8601 UTC with a Z, e.g. 2026-11-01T00:00:00Z (for messages).

    A value no calendar holds (a server may send any integer) is written as the number, so the message that
    reports it can still be built."""
    try:
        return iso_datetime(from_unix_seconds(seconds))
    except (OverflowError, OSError, ValueError):
        return f"{seconds} (Unix seconds)"
