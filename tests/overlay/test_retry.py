"""Retries: which failures, how many, how long to wait (Retry-After in all its forms), without real sleeping."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from oai_usage import APIConnectionError, APITimeoutError, RateLimitError, ServerError, UsageClient
from oai_usage.retry import RetryPolicy, parse_retry_after
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import KEY, NOV_1, bucket, error_body, page

NOW = 1_800_000_000.0
RATE_LIMITED = error_body("Rate limit reached for requests. Please try again in 2s.", "requests", "rate_limit_exceeded")


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


def _policy(**overrides: float) -> RetryPolicy:
    return RetryPolicy(jitter=lambda: 0.0, clock=lambda: NOW, **overrides)  # type: ignore[arg-type]


def _ok() -> dict[str, object]:
    return page([bucket(NOV_1)])


def _fetch(client: UsageClient) -> int:
    return len(list(client.costs(start_time=NOV_1, end_time=NOV_1 + 86400)))


# --- the policy on its own -------------------------------------------------------------------------------


def test_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    policy = _policy()
    assert [policy.backoff(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_shortens_the_backoff_by_at_most_a_quarter() -> None:
    assert RetryPolicy(jitter=lambda: 0.999999).backoff(0) == pytest.approx(0.375, abs=1e-6)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": email.utils.formatdate(NOW + 7, usegmt=True)}, 7.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_ms_seconds_or_an_http_date(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(httpx.Headers(headers), NOW) == expected


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 520, 599])
def test_these_statuses_are_retried(status: int) -> None:
    assert _policy().delay(0, _response(status), None) == 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_these_statuses_are_not_retried(status: int) -> None:
    assert _policy().delay(0, _response(status), None) is None


def test_x_should_retry_header_overrides_the_status_rule() -> None:
    assert _policy().delay(0, _response(400, **{"x-should-retry": "true"}), None) == 0.5
    assert _policy().delay(0, _response(503, **{"x-should-retry": "false"}), None) is None


def test_a_retry_after_within_the_cap_is_honoured_exactly() -> None:
    assert _policy().delay(0, _response(429, **{"retry-after": "42"}), None) == 42.0


def test_a_retry_after_beyond_the_cap_is_not_retried() -> None:
    assert _policy(max_retry_after=60).delay(0, _response(429, **{"retry-after": "3600"}), None) is None


def test_a_retry_after_in_the_past_falls_back_to_backoff() -> None:
    past = email.utils.formatdate(NOW - 30, usegmt=True)
    assert _policy().delay(1, _response(503, **{"retry-after": past}), None) == 1.0


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped")]
)
def test_transient_transport_errors_are_retried(error: Exception) -> None:
    assert _policy().delay(0, None, error) == 0.5


def test_a_malformed_url_is_not_retried() -> None:
    assert _policy().delay(0, None, httpx.UnsupportedProtocol("ftp")) is None


def test_no_retry_once_max_retries_are_used() -> None:
    assert _policy(max_retries=2).delay(2, _response(503), None) is None


# --- through the client ----------------------------------------------------------------------------------


def test_429_with_retry_after_waits_that_long_then_succeeds(
    client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=429, json=RATE_LIMITED, headers={"Retry-After": "2"})
    httpx_mock.add_response(json=_ok())
    assert _fetch(client) == 1
    assert sleeps == [2.0]
    assert len(httpx_mock.get_requests()) == 2


def test_retry_after_ms_wins_over_retry_after(client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]) -> None:
    httpx_mock.add_response(status_code=429, json=RATE_LIMITED, headers={"retry-after-ms": "1500", "Retry-After": "9"})
    httpx_mock.add_response(json=_ok())
    _fetch(client)
    assert sleeps == [1.5]


def test_retry_after_as_an_http_date_waits_until_then(
    client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float], pinned_wall_clock: int
) -> None:
    httpx_mock.add_response(
        status_code=503, headers={"Retry-After": email.utils.formatdate(pinned_wall_clock + 5, usegmt=True)}
    )
    httpx_mock.add_response(json=_ok())
    _fetch(client)
    (waited,) = sleeps
    assert 3.5 < waited <= 5.0


def test_server_errors_back_off_exponentially(client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]) -> None:
    httpx_mock.add_response(status_code=500, json=error_body("boom", "server_error"))
    httpx_mock.add_response(status_code=502, text="Bad Gateway")
    httpx_mock.add_response(json=_ok())
    _fetch(client)
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0


def test_connection_errors_are_retried(client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]) -> None:
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"))
    httpx_mock.add_response(json=_ok())
    assert _fetch(client) == 1
    assert len(sleeps) == 1


def test_rate_limit_after_the_last_retry_raises_with_the_wait_asked_for(
    client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    for _ in range(3):
        httpx_mock.add_response(status_code=429, json=RATE_LIMITED, headers={"Retry-After": "2"})
    with pytest.raises(RateLimitError) as info:
        _fetch(client)
    assert sleeps == [2.0, 2.0]
    assert info.value.retry_after == 2.0
    assert info.value.code == "rate_limit_exceeded"


def test_a_wait_longer_than_the_cap_is_raised_at_once(
    client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(
        status_code=429,
        json=error_body("You exceeded your quota", "insufficient_quota"),
        headers={"Retry-After": "3600"},
    )
    with pytest.raises(RateLimitError) as info:
        _fetch(client)
    assert sleeps == []
    assert info.value.retry_after == 3600.0


def test_max_retries_zero_means_one_attempt(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=503)
    with UsageClient(KEY, max_retries=0, sleep=sleeps.append) as client, pytest.raises(ServerError):
        _fetch(client)
    assert sleeps == []
    assert len(httpx_mock.get_requests()) == 1


def test_timeouts_after_the_last_retry_raise_api_timeout_error(
    client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    for _ in range(3):
        httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    with pytest.raises(APITimeoutError, match="timed out after 3 attempts"):
        _fetch(client)
    assert len(sleeps) == 2


def test_connection_failures_after_the_last_retry_raise_api_connection_error(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("Connection refused"))
    with pytest.raises(APIConnectionError, match="failed after 3 attempts: ConnectError: Connection refused") as info:
        _fetch(client)
    assert not isinstance(info.value, APITimeoutError)
    # Not chained: the frames under httpx's exception hold the request headers (the key); the message names it.
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_each_retry_is_logged_without_the_query(
    client: UsageClient, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(json=_ok())
    with caplog.at_level("INFO", logger="oai_usage"):
        _fetch(client)
    (record,) = [r for r in caplog.records if r.name == "oai_usage" and "retry" in r.getMessage()]
    assert record.getMessage().startswith("GET /organization/costs failed (HTTP 503); retry 1 of 2 in ")
