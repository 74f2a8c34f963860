"""Request rate limits: a token bucket per API key (or per organization), answered the way OpenAI answers them.

`per_minute` requests a minute, refilled continuously, with at most one second's worth held (OpenAI enforces a
per-minute limit over shorter periods, so a minute's allowance cannot be spent in one burst). Every answer under
a limit carries `x-ratelimit-limit-requests` (the per-minute limit), `x-ratelimit-remaining-requests` (whole
requests left now) and `x-ratelimit-reset-requests` (time until the bucket is full again, as `250ms` or `1m2s`).
Past the limit: 429 `rate_limit_exceeded` with `retry-after` (whole seconds, at least 1) and `retry-after-ms`.

The clock is injectable (monotonic seconds), so a test can step time and count exactly.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["RATE_LIMIT_SCOPES", "RateLimiter", "RateVerdict", "go_duration", "parse_rate"]

RATE_LIMIT_SCOPES = ("key", "organization")


def parse_rate(text: str) -> int:
    """`600/min`, `600/m` or `600`: requests a minute (0 turns the limit off); ValueError otherwise."""
    value = text.strip().lower()
    for suffix in ("/minute", "/min", "/m"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
            break
    if not value.isdigit() or len(value) > 9:
        raise ValueError(f"rate limit must be requests a minute, like 600/min, got {text!r}")
    return int(value)


def go_duration(seconds: float) -> str:
    """A duration as OpenAI's rate-limit headers write it: `0s`, `120ms`, `1.5s`, `6m0s`."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{rest:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{int(minutes)}m{text}" if minutes else text


@dataclass(frozen=True)
class RateVerdict:
    """Whether a request may be served, and the headers its answer carries."""

    allowed: bool
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


class _Bucket:
    def __init__(self, capacity: float, now: float) -> None:
        self.tokens = capacity
        self.stamp = now


class RateLimiter:
    """Token buckets by key or by organization; thread-safe."""

    def __init__(self, per_minute: int, *, scope: str = "key", clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be >= 1")
        if scope not in RATE_LIMIT_SCOPES:
            raise ValueError(f"scope must be one of {', '.join(RATE_LIMIT_SCOPES)}, got {scope!r}")
        self.per_minute = per_minute
        self.scope = scope
        self.rate = per_minute / 60.0  # tokens a second
        self.capacity = float(max(1, math.ceil(self.rate)))  # one second's worth
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self.served = 0
        self.refused = 0

    def _who(self, headers: Mapping[str, str]) -> str:
        if self.scope == "organization":
            return "org:" + (headers.get("openai-organization") or "default")
        token = headers.get("authorization") or ""
        return "key:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:16]  # never the key itself

    def take(self, headers: Mapping[str, str]) -> RateVerdict:
        """Spend one token for this request's key (or organization), or refuse it."""
        who = self._who({k.lower(): v for k, v in headers.items()})
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(who)
            if bucket is None:
                bucket = self._buckets[who] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
                self.served += 1
            else:
                self.refused += 1
            tokens = bucket.tokens
        headers_out = [
            ("x-ratelimit-limit-requests", str(self.per_minute)),
            ("x-ratelimit-remaining-requests", str(int(tokens))),
            ("x-ratelimit-reset-requests", go_duration((self.capacity - tokens) / self.rate)),
        ]
        if allowed:
            return RateVerdict(True, tuple(headers_out))
        wait = (1.0 - tokens) / self.rate
        headers_out += [
            ("retry-after", str(max(1, math.ceil(wait)))),
            ("retry-after-ms", str(max(1, math.ceil(wait * 1000)))),
        ]
        error = {
            "message": f"Rate limit reached for requests: limit {self.per_minute} a minute. Please try again in "
            f"{go_duration(wait)}.",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        }
        return RateVerdict(False, tuple(headers_out), json.dumps({"error": error}).encode())
