"""Adaptive concurrency shared by every request of one fetch: additive increase, multiplicative decrease.

All windows of a fetch draw their request slots from one limiter. Each success raises the allowance by
1/allowance (about one more slot per round of successes), up to the configured maximum; a throttling answer
(429, or 503) halves it, down to one. Only one halving per round: a throttle reported by a request that was
sent before the last halving is already accounted for, so a burst of 429s from requests sent together
halves once, not once per request. A slot is held while a request is on the wire, never during a backoff.

`RatePacer` paces the *rate* of request starts for one API key: every fetch of a client draws from it, and inside
`one_job()` every client made for the same key shares it (a sync's units and organizations side by side). It learns the
allowed rate from `x-ratelimit-limit-requests` (requests a minute, as OpenAI states it) and then spaces requests
evenly; a 429's `Retry-After` pauses every request of the key, not only the one that was refused; a 429 with
neither a stated limit nor a Retry-After halves the rate by the same AIMD arithmetic, applied to requests a second.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

__all__ = ["AIMD", "THROTTLE_STATUSES", "Permit", "RatePacer", "TaskLimiter", "ThreadLimiter", "one_job", "pacer_for"]

log = logging.getLogger("oai_usage")

THROTTLE_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Permit:
    """A slot taken by one attempt; `epoch` says which round of the allowance it was sent in."""

    epoch: int


class AIMD:
    """The allowance arithmetic, without locks or waiting."""

    def __init__(self, maximum: int, *, minimum: int = 1, unit: str = "requests in flight") -> None:
        if maximum < minimum:
            raise ValueError(f"maximum ({maximum}) must be at least minimum ({minimum})")
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum)
        self.epoch = 0
        self.unit = unit

    @property
    def allowed(self) -> int:
        """Requests that may be in flight now."""
        return max(self.minimum, int(self.limit))

    def success(self) -> None:
        self.limit = min(float(self.maximum), self.limit + 1.0 / self.limit)

    def throttled(self, permit: Permit) -> bool:
        """Halve the allowance, unless a halving since `permit` was taken already covers it. True if halved."""
        if permit.epoch != self.epoch:
            return False
        self.halve()
        return True

    def halve(self) -> None:
        """Halve the allowance now (a new round begins)."""
        self.limit = max(float(self.minimum), self.limit / 2.0)
        self.epoch += 1
        log.info("throttled: at most %d %s from now", self.allowed, self.unit)

    def report(self, permit: Permit, status_code: int | None) -> None:
        if status_code in THROTTLE_STATUSES:
            self.throttled(permit)
        elif status_code is not None and 200 <= status_code < 300:
            self.success()


class ThreadLimiter:
    """An AIMD allowance shared by threads."""

    def __init__(self, maximum: int) -> None:
        self.state = AIMD(maximum)
        self.in_flight = 0
        self.peak = 0  # the most requests ever in flight at once
        self._cond = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[Permit]:
        with self._cond:
            while self.in_flight >= self.state.allowed:
                self._cond.wait()
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            permit = Permit(self.state.epoch)
        try:
            yield permit
        finally:
            with self._cond:
                self.in_flight -= 1
                self._cond.notify_all()

    def report(self, permit: Permit, status_code: int | None) -> None:
        with self._cond:
            self.state.report(permit, status_code)
            self._cond.notify_all()


class TaskLimiter:
    """An AIMD allowance shared by the tasks of one event loop (releasing a slot never awaits)."""

    def __init__(self, maximum: int) -> None:
        self.state = AIMD(maximum)
        self.in_flight = 0
        self.peak = 0
        self._waiters: list[asyncio.Future[None]] = []

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Permit]:
        while self.in_flight >= self.state.allowed:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                self._waiters.remove(waiter)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            yield Permit(self.state.epoch)
        finally:
            self.in_flight -= 1
            self._wake()

    def report(self, permit: Permit, status_code: int | None) -> None:
        self.state.report(permit, status_code)
        self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)


RATE_MARGIN = 1.02
"""Requests are spaced 2 % wider than the stated limit allows: a little jitter on the wire stays under it."""


def _stated_limit(headers: Mapping[str, str]) -> int | None:
    text = str(headers.get("x-ratelimit-limit-requests", "")).strip()
    return int(text) if text.isdigit() and 0 < len(text) <= 9 and int(text) > 0 else None


class RatePacer:
    """When the next request of one API key may start; thread-safe, and usable from any event loop (it never waits
    itself: `reserve` says how long to wait, the caller sleeps its own way)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.interval = 0.0  # seconds between request starts; 0 until a limit is known
        self.stated: int | None = None  # the limit the server states, requests a minute
        self.epoch = 0  # a Retry-After or a halving starts a new round; throttles of older rounds are counted once
        self._next = 0.0
        self._pause_until = 0.0
        self._rate: AIMD | None = None  # requests a second, when the server throttles without stating a limit
        self._starts: deque[float] = deque(maxlen=64)
        self._lock = threading.Lock()

    def reserve(self, *, skip_pause: bool = False) -> tuple[float, Permit]:
        """Reserve the next start: (seconds to wait first, the permit to report the answer with). `skip_pause`: a
        retry that has already waited out the Retry-After that set the pause."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next, now if skip_pause else self._pause_until)
            if self.interval:
                self._next = start + self.interval
            self._starts.append(start)
            return start - now, Permit(self.epoch)

    def observe(self, permit: Permit, status_code: int, headers: Mapping[str, str], retry_after: float | None) -> None:
        """Learn from one answer: a stated limit, a request to wait, a throttle without either, or a success."""
        stated = _stated_limit(headers)
        with self._lock:
            now = self.clock()
            if stated is not None and stated != self.stated:
                self.stated = stated
                self.interval = 60.0 / stated * RATE_MARGIN
                self._rate = None
                log.info("the server allows %d requests a minute; pacing at one every %.3f s", stated, self.interval)
            if status_code in THROTTLE_STATUSES:
                if permit.epoch != self.epoch:
                    return  # sent before the last pause or halving, which already answers this throttle
                self.epoch += 1
                if retry_after is not None and retry_after > 0:
                    self._pause_until = max(self._pause_until, now + retry_after)  # the server said how long
                elif self.stated is None:
                    self._halve(now)  # it said nothing: slow down by itself
            elif 200 <= status_code < 300 and self._rate is not None:
                self._rate.success()
                self.interval = 1.0 / self._rate.limit

    def _halve(self, now: float) -> None:
        """No stated limit: halve the rate (AIMD on requests a second), starting from the rate actually sent."""
        if self._rate is None:
            recent = [t for t in self._starts if t > now - 5.0]
            span = max(1.0, now - recent[0]) if recent else 1.0
            self._rate = AIMD(1000, unit="requests a second")
            self._rate.limit = max(1.0, len(recent) / span)
        self._rate.halve()  # once per round: `observe` counts a round's throttles once
        self.interval = 1.0 / self._rate.limit


_JOB: contextvars.ContextVar[dict[tuple[str, str], RatePacer] | None] = contextvars.ContextVar("pacers", default=None)


@contextmanager
def one_job() -> Iterator[None]:
    """Inside this block, every client made for the same key and server shares one pacer: a job's units and
    organizations side by side draw from one allowance per key. Outside it, each client paces on its own."""
    token = _JOB.set({})
    try:
        yield
    finally:
        _JOB.reset(token)


def pacer_for(base_url: str, secret: str) -> RatePacer:
    """The pacer for a new client: the job's pacer of this key at this server (inside `one_job`), else a new one.
    The key is held only as a digest."""
    pacers = _JOB.get()
    if pacers is None:
        return RatePacer()
    ident = (base_url, hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest())
    with _JOB_LOCK:
        return pacers.setdefault(ident, RatePacer())


_JOB_LOCK = threading.Lock()
