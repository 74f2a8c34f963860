"""When to retry and how long to wait: a pure policy, shared by the sync and async transports.

Like the official SDK: retry connection errors, timeouts and HTTP 408, 409, 429 and 5xx, at most
`max_retries` times; an `x-should-retry: true|false` header overrides the status rule. The wait is what the
server asked for (`retry-after-ms`, else `Retry-After` in seconds or as an HTTP date) when that is positive and
at most `max_retry_after`; a longer requested wait is not retried at all (the error carries `retry_after` so
the caller can decide). Otherwise exponential backoff, min(0.5 * 2**n, 8) seconds, times a jitter factor in
(0.75, 1].

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from . import clock as _clock

__all__ = ["RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({408, 409, 429})


def _wall() -> float:
    return _clock.system_time()  # looked up at each call: the library's one reading of the wall clock


def _retryable_transport_error(error: BaseException) -> bool:
    # Timeouts, refused/reset connections and a server dropping the connection are transient; a malformed
    # URL or a local protocol error is not, and retrying would only repeat it.
    return isinstance(error, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError)


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asks us to wait, from `retry-after-ms` or `Retry-After`; None when absent or unreadable."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.timestamp() - now


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: Callable[[], float] = field(default=random.random, repr=False)  # a number in [0, 1)
    clock: Callable[[], float] = field(default=_wall, repr=False)  # Retry-After dates (the client: server time)

    def backoff(self, retries_done: int) -> float:
        """The wait before retry number `retries_done + 1` when the server gave no usable Retry-After."""
        base = min(self.initial_delay * 2.0 ** min(retries_done, 32), self.max_delay)
        return base * (1.0 - 0.25 * self.jitter())

    def retryable_status(self, response: httpx.Response) -> bool:
        override = str(response.headers.get("x-should-retry", "")).strip().lower()
        if override in ("true", "false"):
            return override == "true"
        return response.status_code in RETRY_STATUSES or response.status_code >= 500

    def requested_wait(self, response: httpx.Response) -> float | None:
        """The wait the server asked for, or None when it asked for none (or for one in the past)."""
        wait = parse_retry_after(response.headers, self.clock())
        return wait if wait is not None and wait > 0 else None

    def delay(self, retries_done: int, response: httpx.Response | None, error: BaseException | None) -> float | None:
        """Seconds to wait before retrying, or None to stop and report this outcome."""
        if retries_done >= self.max_retries:
            return None
        if error is not None:
            return self.backoff(retries_done) if _retryable_transport_error(error) else None
        if response is None or not self.retryable_status(response):
            return None
        wait = self.requested_wait(response)
        if wait is None:
            return self.backoff(retries_done)
        return wait if wait <= self.max_retry_after else None
