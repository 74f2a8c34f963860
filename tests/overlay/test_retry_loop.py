"""The retry loop without a server: what it returns, how long it sleeps, how it gives up."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from oai_usage.body import Answer
from oai_usage.errors import APIConnectionError, APITimeoutError
from oai_usage.retry import RetryPolicy
from oai_usage.retry_loop import Attempts, retry

POLICY = RetryPolicy(max_retries=2, jitter=lambda: 0.0)


def attempts() -> Attempts:
    return Attempts(POLICY, "GET", "/organization/costs", "https://api.test/v1/organization/costs", str)


def answers(*outcomes: int | Exception) -> tuple[list[bool], Callable[[bool], Answer]]:
    """An attempt function giving `outcomes` in turn (a status or a raised error), and the `is a retry` flags seen."""
    seen: list[bool] = []
    queue = list(outcomes)

    def attempt(is_retry: bool) -> Answer:
        seen.append(is_retry)
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return Answer(httpx.Response(outcome), b"{}")

    return seen, attempt


def test_a_server_error_then_a_success_returns_the_success_after_one_backoff() -> None:
    seen, attempt = answers(503, 200)
    sleeps: list[float] = []
    answer = retry(attempt, sleeps.append, attempts())
    assert answer.response.status_code == 200
    assert (seen, sleeps) == ([False, True], [0.5])


def test_the_last_answer_is_returned_whatever_its_status() -> None:
    _, attempt = answers(500, 500, 500)
    sleeps: list[float] = []
    assert retry(attempt, sleeps.append, attempts()).response.status_code == 500
    assert sleeps == [0.5, 1.0]


def test_connection_failures_past_the_retries_give_up_naming_the_attempts() -> None:
    _, attempt = answers(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(
        APIConnectionError, match=r"GET https://api\.test/v1/organization/costs failed after 3 attempts"
    ):
        retry(attempt, lambda _: None, attempts())


def test_a_last_timeout_is_an_api_timeout_error_unchained() -> None:
    _, attempt = answers(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError, match="timed out after 3 attempts: slow") as caught:
        retry(attempt, lambda _: None, attempts())
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
