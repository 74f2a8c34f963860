"""Internal: the retry loop of one request, sync (`retry`) and async (`aretry`).

Attempt; on an answer or a transport failure ask the policy (`retry.RetryPolicy`) whether and how long to wait;
log the decision; wait and attempt again, or stop: with the last answer, whatever its status (the transport
turns it into a reply or a typed error), or, when the last attempt failed in transport, with an
`APITimeoutError`/`APIConnectionError` naming the attempts. Everything but the two calls that do I/O (the
attempt and the wait) is `Attempts`, shared by the twins. Any other exception of an attempt ends the loop as is.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import NoReturn

import httpx

from .body import Answer
from .error_mapping import Redact, gave_up
from .retry import RetryPolicy

__all__ = ["Attempts", "aretry", "retry"]

log = logging.getLogger("oai_usage")


class Attempts:
    """The attempts of one request, with no I/O: how many were retries, when the next is due, how they ended."""

    def __init__(self, policy: RetryPolicy, method: str, path: str, url: str, redact: Redact) -> None:
        self.policy = policy
        self.method = method
        self.path = path
        self.url = url  # the full URL, for the message of a request that never got an answer
        self.redact = redact
        self.retries = 0

    def wait(self, answer: Answer | None, error: httpx.TransportError | None) -> float | None:
        """Seconds to wait before the next attempt (counted as a retry), or None to finish now (logging it)."""
        response = answer.response if answer is not None else None
        delay = self.policy.delay(self.retries, response, error)
        if delay is not None:
            cause = f"HTTP {response.status_code}" if response is not None else type(error).__name__
            log.info(
                "%s %s failed (%s); retry %d of %d in %.2f s",
                self.method,
                self.path,
                cause,
                self.retries + 1,
                self.policy.max_retries,
                delay,
            )
            self.retries += 1
        return delay

    def give_up(self, error: httpx.TransportError) -> NoReturn:
        # Raised without chaining: the httpx/httpcore frames under `error` hold the request's headers.
        raise gave_up(error, f"{self.method} {self.url}", self.retries + 1, self.redact) from None


def retry(attempt: Callable[[bool], Answer], sleep: Callable[[float], None], attempts: Attempts) -> Answer:
    """The last answer of `attempt(is_a_retry)` as the policy retries it, sleeping between attempts."""
    while True:
        answer: Answer | None = None
        error: httpx.TransportError | None = None
        try:
            answer = attempt(attempts.retries > 0)
        except httpx.TransportError as exc:
            error = exc
        delay = attempts.wait(answer, error)
        if delay is None:
            if answer is None:
                assert error is not None
                attempts.give_up(error)
            return answer
        answer = error = None
        sleep(delay)


async def aretry(
    attempt: Callable[[bool], Awaitable[Answer]], sleep: Callable[[float], Awaitable[None]], attempts: Attempts
) -> Answer:
    """`retry` for the async transport: the attempt and the wait awaited."""
    while True:
        answer: Answer | None = None
        error: httpx.TransportError | None = None
        try:
            answer = await attempt(attempts.retries > 0)
        except httpx.TransportError as exc:
            error = exc
        delay = attempts.wait(answer, error)
        if delay is None:
            if answer is None:
                assert error is not None
                attempts.give_up(error)
            return answer
        answer = error = None
        await sleep(delay)
