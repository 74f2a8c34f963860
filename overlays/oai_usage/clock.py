"""One source of "now" per client: the local clock, corrected by what the server's `Date` header says.

The API decides where "now" is: it clips the last bucket of a range at its own clock. A client whose clock runs
ahead or behind would otherwise send an end the server has not reached, or refuse a bucket the server clipped
correctly. So every response's `Date` header (RFC 9110, whole seconds in GMT) updates an offset kept per client,
and everything that needs "now" (window planning, the page guards, the command line's ranges) asks the client's
`ServerClock`. Only the local clock is injectable (`clock=` on the client); nothing else reads the wall clock.

Public module: its `__all__` is part of the API (tests pin `system_time` here).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["MAX_SKEW", "SKEW_WARNING", "LocalClock", "ServerClock", "parse_http_date", "system_now", "system_time"]

log = logging.getLogger("oai_usage")

LocalClock = Callable[[], float]
"""A function giving Unix seconds (`time.time` unless a caller injects another)."""


def system_time() -> float:
    """The wall clock, read where no clock was injected: the one place the library reads it (tests pin it here)."""
    return time.time()


def system_now() -> datetime:
    """`system_time` as an aware UTC datetime."""
    return datetime.fromtimestamp(system_time(), UTC)


SKEW_WARNING = 300.0
"""A server clock this many seconds away from ours is worth one warning line (never a failure)."""

MAX_SKEW = 366 * 86400.0
"""A `Date` further than this from our clock is not believed (one warning): a server that says it is the year 9999
would otherwise make an open range span millennia of windows, each a request."""

_RESOLUTION = 1.0  # a Date header has whole seconds: a difference under this says nothing about skew


def parse_http_date(value: str | None) -> float | None:
    """Unix seconds of an HTTP date (IMF-fixdate, or the obsolete forms RFC 9110 still accepts); None if unusable."""
    if not value or len(value) > 64:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # RFC 9110: HTTP dates are GMT; "-0000" parses as naive
        return None
    try:
        seconds = moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return None
    return seconds if 0 < seconds < 253402300800 else None  # inside years 1970..9999


class ServerClock:
    """The server's clock as best known: `local()` plus the offset learned from the last `Date` header.

    Thread-safe (the windows of one fetch run in threads). Before any response the offset is zero.
    """

    def __init__(self, local: LocalClock | None = None) -> None:
        self._local = local
        self._offset = 0.0
        self._observed = False
        self._warned = False
        self._doubted = False
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        """Seconds the server's clock is ahead of ours (negative: behind); 0 until a response says otherwise."""
        return self._offset

    def local(self) -> float:
        """The local clock: the injected one, else `system_time` (looked up at each call, so a test can pin it)."""
        return self._local() if self._local is not None else system_time()

    def now(self) -> float:
        """The server's "now" in Unix seconds, as far as this client knows."""
        return self.local() + self._offset

    @property
    def observed(self) -> bool:
        """Whether a response has told this clock the server's time yet."""
        return self._observed

    def observe(self, headers: Mapping[str, str]) -> float | None:
        """Learn from a response's headers; returns the server's time it states (None without a usable Date, or with
        one more than MAX_SKEW from our clock)."""
        server = parse_http_date(headers.get("date"))
        if server is None:
            return None
        local = self.local()
        # The header is floored to the second: the server's clock read somewhere in [server, server + 1).
        difference = server + _RESOLUTION / 2 - local
        if abs(difference) > MAX_SKEW:
            with self._lock:
                warn, self._doubted = not self._doubted, True
            if warn:
                log.warning("the server's Date (%s) is more than a year from our clock; it is ignored", headers["date"])
            return None
        offset = 0.0 if abs(difference) <= _RESOLUTION else difference
        with self._lock:
            self._offset = offset
            self._observed = True
            warn = abs(offset) > SKEW_WARNING and not self._warned
            if warn:
                self._warned = True
        if warn:
            log.warning(
                "the server's clock is %s ours by %s; times follow the server's clock",
                "ahead of" if offset > 0 else "behind",
                _duration(abs(offset)),
            )
        return server

    def __repr__(self) -> str:
        return f"ServerClock(offset={self._offset:+.1f}s)"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
        f"{secs} s" if secs or not whole else "",
    ]
    return " ".join(p for p in parts if p)
