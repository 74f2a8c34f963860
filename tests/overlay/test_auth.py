"""The admin key: where it comes from, the headers it goes out in, and that it never shows anywhere else."""

from __future__ import annotations

import logging
import socket
import threading
import traceback
from collections.abc import Iterator

import httpx
import pytest
from oai_usage import (
    APIConnectionError,
    AsyncUsageClient,
    AuthenticationError,
    MissingAdminKeyError,
    UsageClient,
    ValidationError,
)
from oai_usage.auth import SecretKey
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import BASE, KEY, NOV_1, bucket, error_body, page

COSTS_URL = f"{BASE}/organization/costs?start_time={NOV_1}&limit=180"


def _one_page(httpx_mock: HTTPXMock, url: str = COSTS_URL) -> None:
    httpx_mock.add_response(url=url, json=page([bucket(NOV_1)]))


# --- where the key comes from ----------------------------------------------------------------------------


def test_no_key_anywhere_is_a_clear_error_at_construction(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingAdminKeyError, match="OPENAI_ADMIN_KEY"):
        UsageClient()


def test_a_plain_api_key_is_not_taken_as_the_admin_key(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-proj-abc")
    with pytest.raises(MissingAdminKeyError, match="OPENAI_API_KEY is not used"):
        UsageClient()


def test_a_blank_environment_variable_counts_as_no_key(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_ADMIN_KEY", "  ")
    with pytest.raises(MissingAdminKeyError):
        UsageClient()


def test_an_empty_admin_key_argument_is_an_error(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingAdminKeyError, match="admin_key is empty"):
        UsageClient("")


def test_a_key_with_inner_spaces_is_refused_without_echoing_it(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as info:
        UsageClient("sk-admin-abc def")
    assert "abc" not in str(info.value)


def test_the_key_is_read_from_the_environment(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    clean_env.setenv("OPENAI_ADMIN_KEY", KEY + "\n")
    _one_page(httpx_mock)
    with UsageClient() as client:
        list(client.costs(start_time=NOV_1))
    assert httpx_mock.get_requests()[0].headers["Authorization"] == f"Bearer {KEY}"


def test_the_argument_wins_over_the_environment(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    clean_env.setenv("OPENAI_ADMIN_KEY", "sk-admin-from-env")
    _one_page(httpx_mock)
    with UsageClient(KEY) as client:
        list(client.costs(start_time=NOV_1))
    assert httpx_mock.get_requests()[0].headers["Authorization"] == f"Bearer {KEY}"


# --- headers and base URL --------------------------------------------------------------------------------


def test_organization_and_project_headers_come_from_arguments(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    _one_page(httpx_mock)
    with UsageClient(KEY, organization="org-9f8e7d", project="proj_Ab12Cd34Ef56Gh78") as scoped:
        list(scoped.costs(start_time=NOV_1))
    headers = httpx_mock.get_requests()[0].headers
    assert (headers["OpenAI-Organization"], headers["OpenAI-Project"]) == ("org-9f8e7d", "proj_Ab12Cd34Ef56Gh78")


def test_organization_and_project_headers_come_from_the_environment(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    clean_env.setenv("OPENAI_ORG_ID", "org-env")
    clean_env.setenv("OPENAI_PROJECT_ID", "proj_env")
    _one_page(httpx_mock)
    with UsageClient(KEY) as client:
        list(client.costs(start_time=NOV_1))
    headers = httpx_mock.get_requests()[0].headers
    assert (headers["OpenAI-Organization"], headers["OpenAI-Project"]) == ("org-env", "proj_env")


def test_organization_and_project_headers_are_absent_when_unset(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _one_page(httpx_mock)
    list(client.costs(start_time=NOV_1))
    headers = httpx_mock.get_requests()[0].headers
    assert "OpenAI-Organization" not in headers
    assert "OpenAI-Project" not in headers
    assert headers["Accept"] == "application/json"


def test_base_url_comes_from_openai_base_url(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    clean_env.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8765/v1/")
    _one_page(httpx_mock, f"http://127.0.0.1:8765/v1/organization/costs?start_time={NOV_1}&limit=180")
    with UsageClient(KEY) as client:
        assert client.base_url == "http://127.0.0.1:8765/v1"
        list(client.costs(start_time=NOV_1))


def test_a_base_url_without_scheme_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="base_url must be an http"):
        UsageClient(KEY, base_url="api.openai.com/v1")


# --- injected HTTP clients -------------------------------------------------------------------------------


def test_an_injected_client_keeps_auth_and_stays_open(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    _one_page(httpx_mock)
    own = httpx.Client(headers={"X-Team": "finops"})
    with UsageClient(KEY, http_client=own) as client:
        list(client.costs(start_time=NOV_1))
    headers = httpx_mock.get_requests()[0].headers
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["X-Team"] == "finops"
    assert not own.is_closed
    own.close()


async def test_an_injected_async_client_keeps_auth_and_stays_open(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    _one_page(httpx_mock)
    own = httpx.AsyncClient()
    async with AsyncUsageClient(KEY, http_client=own) as client:
        assert [b async for b in client.costs(start_time=NOV_1)]
    assert httpx_mock.get_requests()[0].headers["Authorization"] == f"Bearer {KEY}"
    assert not own.is_closed
    await own.aclose()


def test_the_wrong_kind_of_http_client_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        UsageClient(KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]


# --- the key never shows ---------------------------------------------------------------------------------


def test_reprs_never_show_the_key(client: UsageClient) -> None:
    query = client.costs(start_time=NOV_1)
    texts = [repr(client), str(client), repr(query), repr(client._settings), repr(SecretKey(KEY)), str(SecretKey(KEY))]
    assert all(KEY not in text for text in texts)
    assert "sk-admin-***" in repr(client)


def test_a_key_echoed_by_the_server_is_scrubbed_from_the_error(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        status_code=401, json=error_body(f"Incorrect API key provided: {KEY}.", code="invalid_api_key")
    )
    with UsageClient(KEY) as client, pytest.raises(AuthenticationError) as info:
        list(client.costs(start_time=NOV_1))
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value.body)
    assert "Incorrect API key provided: sk-admin-***." in str(info.value)


def test_the_key_is_not_in_a_traceback_even_with_local_variables(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=401, json=error_body("Incorrect API key provided."))
    with UsageClient(KEY) as client:
        try:
            list(client.costs(start_time=NOV_1))
        except AuthenticationError as exc:
            text = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
        else:
            pytest.fail("no AuthenticationError")
    assert "Incorrect API key provided" in text
    assert KEY not in text


def test_the_key_is_not_in_any_log_record(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(status_code=401, json=error_body("Incorrect API key provided."))
    with (
        caplog.at_level(logging.DEBUG),
        UsageClient(KEY, sleep=lambda _: None) as client,
        pytest.raises(AuthenticationError),
    ):
        list(client.costs(start_time=NOV_1))
    assert caplog.records
    assert all(KEY not in record.getMessage() for record in caplog.records)


@pytest.fixture
def hang_up_server() -> Iterator[str]:
    """A real local server that reads each request and closes the connection without answering."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                conn.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_the_key_is_not_in_the_traceback_of_a_real_transport_failure(
    clean_env: pytest.MonkeyPatch, hang_up_server: str
) -> None:
    # The request (headers included) reached the socket, so httpcore frames are in the chained traceback.
    clean_env.setenv("OPENAI_ADMIN_KEY", KEY)
    with UsageClient(base_url=hang_up_server, max_retries=0) as client:
        try:
            list(client.costs(start_time=NOV_1))
        except APIConnectionError as exc:
            text = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
        else:
            pytest.fail("no APIConnectionError")
    assert "RemoteProtocolError" in text
    assert KEY not in text
