"""Adaptive concurrency shared by every request of one fetch: additive increase, multiplicative decrease.

All windows of a fetch draw their request slots from one limiter. Each success raises the allowance by
1/allowance (about one more slot per round of successes), up to the configured maximum; a throttling answer
(429, or 503) halves it, down to one. Only one halving per round: a throttle reported by a request that was
sent before the last halving is already accounted for, so a burst of 429s from requests sent together
halves once, not once per request. A slot is held while a request is on the wire, never during a backoff.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

__all__ = ["AIMD", "THROTTLE_STATUSES", "Permit", "TaskLimiter", "ThreadLimiter"]

log = logging.getLogger("oai_usage")

THROTTLE_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Permit:
    """A slot taken by one attempt; `epoch` says which round of the allowance it was sent in."""

    epoch: int


class AIMD:
    """The allowance arithmetic, without locks or waiting."""

    def __init__(self, maximum: int, *, minimum: int = 1) -> None:
        if maximum < minimum:
            raise ValueError(f"maximum ({maximum}) must be at least minimum ({minimum})")
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum)
        self.epoch = 0

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
        self.limit = max(float(self.minimum), self.limit / 2.0)
        self.epoch += 1
        log.info("throttled: at most %d requests in flight from now", self.allowed)
        return True

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
