"""Secret hygiene: a recognisable fake key, every public path, and the key nowhere in what comes out.

Checked: reprs and strs of clients, queries and pages; every error the client raises against the sandbox with
each fault injected (str, repr, the formatted traceback, the attributes); every log record at DEBUG, including
httpx's; and every CLI command and failure (stdout and stderr).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from oai_usage import AsyncUsageClient, OaiUsageError, UsageClient
from oai_usage.cli.main import run
from oai_usage_sandbox import FAULT_NAMES, SandboxConfig, serve_in_thread

# Recognisable in any fragment: the whole key, and its secret part alone.
KEY = "sk-admin-HYGIENE-5e1f0c9a7b3d-NEVER-PRINT-ME-42"
SECRET_PART = KEY.removeprefix("sk-admin-")
NOW = 1795910400  # 2026-11-29T00:00:00Z


def assert_clean(*texts: str) -> None:
    for text in texts:
        assert SECRET_PART not in text, f"the key leaked into: {text[:300]!r}"


def error_texts(error: BaseException) -> list[str]:
    """Everything an error shows: message, repr, the formatted traceback with its chain, and its attributes."""
    return [str(error), repr(error), "".join(traceback.format_exception(error)), repr(vars(error))]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)  # root: oai_usage, httpx and httpcore all record
    yield caplog
    assert_clean(caplog.text, *(repr(r.args) for r in caplog.records))


@pytest.fixture(scope="module")
def healthy_url() -> Iterator[str]:
    with serve_in_thread(SandboxConfig(now=NOW)) as url:
        yield url


def test_reprs_of_client_query_and_page(healthy_url: str, debug_logs: pytest.LogCaptureFixture) -> None:
    with UsageClient(KEY, base_url=healthy_url) as client:
        query = client.completions(start_time=NOW - 3 * 86400, end_time=NOW, group_by=["model"])
        pages = list(query.pages())
        assert pages and pages[0].data
        assert_clean(repr(client), str(client), repr(vars(client)), repr(query), str(query), repr(pages[0]))


async def test_reprs_of_the_async_client(healthy_url: str, debug_logs: pytest.LogCaptureFixture) -> None:
    async with AsyncUsageClient(KEY, base_url=healthy_url) as client:
        rows = [r async for r in client.costs(start_time=NOW - 86400, end_time=NOW).rows()]
        assert rows
        assert_clean(repr(client), str(client), repr(vars(client)))


@pytest.mark.parametrize("fault", FAULT_NAMES)
def test_every_fault_error_is_clean(fault: str, debug_logs: pytest.LogCaptureFixture) -> None:
    config = SandboxConfig(now=NOW, fault_rate=1.0, faults=(fault,), slow_seconds=1.0, retry_after_seconds=0)
    with (
        serve_in_thread(config) as url,
        UsageClient(KEY, base_url=url, max_retries=1, timeout=0.3) as client,
        pytest.raises(OaiUsageError) as caught,
    ):
        list(client.embeddings(start_time=NOW - 86400, end_time=NOW))
    assert_clean(*error_texts(caught.value))


def test_a_rejected_key_error_is_clean(healthy_url: str, debug_logs: pytest.LogCaptureFixture) -> None:
    project_key = "sk-proj-" + SECRET_PART  # the sandbox, like the API, refuses a project key
    with UsageClient(project_key, base_url=healthy_url) as client, pytest.raises(OaiUsageError) as caught:
        list(client.costs(start_time=NOW - 86400))
    assert_clean(*error_texts(caught.value))


def test_a_not_found_error_is_clean(healthy_url: str, debug_logs: pytest.LogCaptureFixture) -> None:
    client = UsageClient(KEY, base_url=healthy_url.replace("/v1", "/v0"))
    with client, pytest.raises(OaiUsageError) as caught:
        list(client.costs(start_time=NOW - 86400))
    assert_clean(*error_texts(caught.value))


def test_a_validation_error_is_clean(debug_logs: pytest.LogCaptureFixture) -> None:
    with UsageClient(KEY) as client, pytest.raises(OaiUsageError) as caught:
        client.query("completions", start_time=NOW, bucket_width="1w")
    assert_clean(*error_texts(caught.value))


CLI_RUNS = [
    ["usage", "completions", "--start", "2d", "--format", "csv"],
    ["usage", "images", "--start", "2d", "--group-by", "size", "--format", "json"],
    ["costs", "--start", "3d", "--format", "jsonl"],
    ["report", "--since", "3d"],
    ["report", "--since", "3d", "--format", "json"],
    ["usage", "completions", "--group-by", "colour"],
    ["usage", "completions", "--start", "someday"],
    ["costs", "--limit", "999"],
]


@pytest.mark.parametrize("argv", CLI_RUNS, ids=[" ".join(a) for a in CLI_RUNS])
def test_cli_commands_never_print_the_key(
    argv: list[str],
    healthy_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    run(["-vv", "--base-url", healthy_url, *argv], now=datetime.fromtimestamp(NOW, UTC))
    captured = capsys.readouterr()
    assert_clean(captured.out, captured.err)


@pytest.mark.parametrize("fault", ["rate_limit", "server_error_html", "drop", "truncate"])
def test_cli_failures_never_print_the_key(
    fault: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    config = SandboxConfig(now=NOW, fault_rate=1.0, faults=(fault,), retry_after_seconds=0)
    with serve_in_thread(config) as url:
        code = run(["-vv", "--base-url", url, "costs", "--start", "2d"], now=datetime.fromtimestamp(NOW, UTC))
    captured = capsys.readouterr()
    assert code == 1
    assert_clean(captured.out, captured.err)
