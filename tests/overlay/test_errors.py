"""HTTP errors become typed exceptions carrying the API's envelope; odd statuses and bodies never crash."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from oai_usage import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    DecodeError,
    MissingAdminKeyError,
    MissingDependencyError,
    NotFoundError,
    OaiUsageError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UsageClient,
    ValidationError,
)
from oai_usage.resume import ResumePoint
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import KEY, NOV_1, error_body

CLOUDFLARE_520 = """<!DOCTYPE html>
<html><head><title>api.openai.com | 520: Web server is returning an unknown error</title></head>
<body><div class="cf-error-details"><h1>Web server is returning an unknown error</h1></div></body></html>"""


@pytest.fixture
def once(clean_env: pytest.MonkeyPatch) -> Iterator[UsageClient]:
    """A client that does not retry, so each test sees the first answer's error."""
    with UsageClient(KEY, max_retries=0) as client:
        yield client


def _error(client: UsageClient) -> APIError:
    with pytest.raises(APIError) as info:
        list(client.completions(start_time=NOV_1))
    return info.value


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (520, ServerError),
        (418, APIError),
        (422, APIError),
        (302, APIError),
    ],
)
def test_each_status_family_maps_to_its_class(
    once: UsageClient, httpx_mock: HTTPXMock, status: int, cls: type[APIError]
) -> None:
    httpx_mock.add_response(status_code=status, json=error_body("nope"))
    error = _error(once)
    assert type(error) is cls
    assert error.status_code == status


def test_the_envelope_fields_and_request_id_are_carried(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    body = error_body("Invalid value for 'limit': must be between 1 and 31 when bucket_width is 1d.", param="limit")
    httpx_mock.add_response(status_code=400, json=body, headers={"x-request-id": "req_7f3a9c"})
    error = _error(once)
    assert (error.message, error.type, error.param, error.code, error.request_id) == (
        "Invalid value for 'limit': must be between 1 and 31 when bucket_width is 1d.",
        "invalid_request_error",
        "limit",
        None,
        "req_7f3a9c",
    )
    assert error.body == body
    assert str(error) == (
        "HTTP 400: Invalid value for 'limit': must be between 1 and 31 when bucket_width is 1d. "
        "(type=invalid_request_error, param=limit) [request id req_7f3a9c]"
    )


def test_a_numeric_error_code_is_given_as_a_string(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=400, json=error_body("bad", code=1234))
    assert _error(once).code == "1234"


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_say_an_admin_key_with_usage_read_access_is_required(
    once: UsageClient, httpx_mock: HTTPXMock, status: int
) -> None:
    httpx_mock.add_response(
        status_code=status,
        json=error_body("You have insufficient permissions for this operation. Missing scopes: api.usage.read."),
    )
    text = str(_error(once))
    assert "Missing scopes: api.usage.read" in text
    assert "an Admin API key (sk-admin-...) with usage read access is required" in text
    assert "OPENAI_ADMIN_KEY" in text


def test_a_520_html_page_is_a_server_error_quoting_its_title(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=520, text=CLOUDFLARE_520, headers={"content-type": "text/html"})
    error = _error(once)
    assert isinstance(error, ServerError)
    assert error.status_code == 520
    assert "non-JSON body (text/html): 'api.openai.com | 520: Web server is returning an unknown error'" in str(error)
    assert error.type is None


def test_a_plain_text_error_body_is_quoted(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=502, text="upstream connect error or disconnect/reset before headers")
    assert "upstream connect error" in _error(once).message


def test_json_that_is_not_the_envelope_is_quoted(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=500, json={"detail": "internal"})
    error = _error(once)
    assert "unexpected body" in error.message
    assert error.body == {"detail": "internal"}


def test_an_envelope_holding_a_bare_string_is_read(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=404, json={"error": "Not found"})
    assert _error(once).message == "Not found"


def test_an_empty_error_body_still_gives_an_error(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=503)
    error = _error(once)
    assert error.message.startswith("Service Unavailable; non-JSON body")


def test_a_success_status_with_a_non_json_body_is_a_decode_error(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        status_code=200,
        text="<html><title>Sign in to the proxy</title></html>",
        headers={"content-type": "text/html", "x-request-id": "req_1"},
    )
    with pytest.raises(
        DecodeError, match=r"HTTP 200 response is not JSON \(text/html\): 'Sign in to the proxy'"
    ) as info:
        list(once.completions(start_time=NOV_1))
    assert info.value.request_id == "req_1"


@pytest.mark.parametrize("cls", [APIError, DecodeError])
def test_every_error_is_an_oai_usage_error(cls: type[Any]) -> None:
    assert issubclass(cls, OaiUsageError)


def _every_error() -> list[OaiUsageError]:
    api_fields: dict[str, Any] = {
        "type": "server_error",
        "code": "c1",
        "param": "start_time",
        "request_id": "req_9",
        "retry_after": 2.5,
    }
    errors: list[OaiUsageError] = [
        cls("went wrong", status_code=status, body={"error": {"message": "went wrong"}}, hint="h", **api_fields)
        for cls, status in [
            (APIError, 418),
            (BadRequestError, 400),
            (AuthenticationError, 401),
            (PermissionDeniedError, 403),
            (NotFoundError, 404),
            (RateLimitError, 429),
            (ServerError, 503),
        ]
    ]
    errors += [
        ValidationError("limit 0 is not allowed", param="limit", endpoint="costs"),
        MissingAdminKeyError("no admin key"),
        MissingDependencyError("needs pandas"),
        APIConnectionError("refused"),
        APITimeoutError("timed out"),
        PaginationError("a gap", endpoint="costs", pages=3),
        DecodeError("bad field", field="amount.value", status_code=200, request_id="req_7"),
    ]
    for error in errors:
        error.resume = ResumePoint("costs", "abc123", NOV_1, 5, 2)
    return errors


@pytest.mark.parametrize("error", _every_error(), ids=lambda e: type(e).__name__)
def test_every_public_error_survives_a_pickle_round_trip(error: OaiUsageError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)  # every field, the resume point included


def test_a_pickled_error_never_holds_the_key(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=429, json=error_body(f"slow down {KEY}"), headers={"x-request-id": KEY})
    with pytest.raises(RateLimitError) as info:
        list(once.costs(start_time=NOV_1))
    data = pickle.dumps(info.value)
    assert KEY.encode() not in data and KEY.removeprefix("sk-admin-").encode() not in data
    assert pickle.loads(data).status_code == 429
