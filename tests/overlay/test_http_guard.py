"""The admin key is never sent over plain http to another machine unless the caller says so."""

from __future__ import annotations

import pytest
from oai_usage import AsyncUsageClient, UsageClient, ValidationError
from oai_usage.auth import is_loopback, resolve_base_url

from tests.overlay.payloads import KEY


@pytest.mark.parametrize("url", ["http://api.example.com/v1", "http://10.0.0.7:8000/v1", "http://[fe80::1]/v1"])
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="plain http") as caught:
        resolve_base_url(url)
    assert caught.value.param == "base_url"
    assert "allow_insecure_http=True" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/v1", "http://127.8.9.1/v1", "http://localhost:9000/v1", "http://[::1]:8000/v1"]
)
def test_plain_http_to_this_machine_is_allowed(url: str) -> None:
    assert resolve_base_url(url) == url


def test_opting_in_allows_plain_http() -> None:
    assert resolve_base_url("http://proxy.internal/v1", allow_insecure_http=True) == "http://proxy.internal/v1"


def test_https_anywhere_is_allowed() -> None:
    assert resolve_base_url("https://gateway.example.com/v1/") == "https://gateway.example.com/v1"


def test_environment_base_url_gets_the_same_guard(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_BASE_URL", "http://usage-proxy.example.com/v1")
    with pytest.raises(ValidationError, match=r"usage-proxy\.example\.com"):
        UsageClient(KEY)


def test_clients_refuse_at_construction(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="plain http"):
        UsageClient(KEY, base_url="http://api.example.com/v1")
    with pytest.raises(ValidationError, match="plain http"):
        AsyncUsageClient(KEY, base_url="http://api.example.com/v1")


def test_clients_accept_the_opt_in(clean_env: pytest.MonkeyPatch) -> None:
    with UsageClient(KEY, base_url="http://proxy.internal/v1", allow_insecure_http=True) as client:
        assert client.base_url == "http://proxy.internal/v1"


def test_the_refusal_never_shows_the_key(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageClient(KEY, base_url="http://api.example.com/v1")
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)


HOSTS = [("localhost", True), ("127.0.0.1", True), ("::1", True), ("0.0.0.0", False), ("example.com", False),
         ("128.0.0.1", False)]  # fmt: skip


@pytest.mark.parametrize(("host", "loopback"), HOSTS)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "url", ["http://0177.0.0.1/v1", "http://127.0.0.1:80:80/v1", "http://ⓛocalhost/v1", "https://", "http:///v1"]
)
def test_a_malformed_base_url_is_our_validation_error(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        resolve_base_url(url)
    assert caught.value.param == "base_url"


@pytest.mark.parametrize("url", ["https://user:hunter2@api.example.com/v1", "http://me:hunter2@127.0.0.1:8000/v1"])
def test_a_base_url_with_user_info_is_refused_without_showing_it(clean_env: pytest.MonkeyPatch, url: str) -> None:
    with pytest.raises(ValidationError, match="user name or password") as caught:
        UsageClient(KEY, base_url=url)
    assert caught.value.param == "base_url"
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value.args)


def test_a_base_url_with_user_info_from_the_environment_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_BASE_URL", "https://user:hunter2@api.example.com/v1")
    with pytest.raises(ValidationError, match="user name or password"):
        UsageClient(KEY)


# --- Issue 26: every request appends its path to the base URL, so nothing may come after it -----------------------


@pytest.mark.parametrize(
    "url",
    ["https://api.example.com/v1?x=1", "https://api.example.com/v1#frag", "https://api.example.com/v 1",
     "https://api.example.com/v1 ", "https://api.example.com/v1\u00a0", "https://api.example.com/v1?"],
    ids=["query", "fragment", "space", "trailing space", "no-break space", "empty query"],
)  # fmt: skip
def test_a_base_url_with_a_query_a_fragment_or_a_space_is_refused(clean_env: pytest.MonkeyPatch, url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageClient(KEY, base_url=url)
    assert caught.value.param == "base_url"
    assert "has a query, a fragment, a space or a control character" in str(caught.value)
