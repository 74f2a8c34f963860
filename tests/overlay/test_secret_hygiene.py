"""Secret hygiene: a recognisable fake key, every public path, and the key nowhere in what comes out.

Checked: reprs and strs of clients, queries and pages; every error the client raises against the sandbox with
each fault injected (str, repr, the formatted traceback, the attributes); every log record at DEBUG, including
httpx's and httpcore's; and every CLI command and failure (stdout and stderr). A server that echoes the key
back (in `x-request-id`, in an error body, in a page; raw, JSON-escaped, percent-encoded, as HTML references)
gets it into none of these, nor into `args`, a pickle or a traceback with local variables.
"""

from __future__ import annotations

import email.utils
import http.server
import logging
import pickle
import threading
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from oai_usage import AsyncUsageClient, OaiUsageError, UsageClient
from oai_usage.cli.main import run
from oai_usage_sandbox import FAULT_NAMES, SandboxConfig, serve_in_thread

# Recognisable in any fragment: the whole key, and its secret part alone.
KEY = "sk-admin-HYGIENE-5e1f0c9a7b3d-NEVER-PRINT-ME-42"
SECRET_PART = KEY.removeprefix("sk-admin-")
NOW = 1795910400  # 2026-11-29T00:00:00Z
pytestmark = pytest.mark.wall_clock(NOW)  # our clock, the sandbox's and the echo server's read the same instant


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
    ["projects"],
    ["users", "--format", "json"],
    ["keys", "--format", "csv"],
    ["keys"],
    ["limits", "--format", "jsonl"],
    ["report", "--since", "3d", "--project-ids", "Research sandbox", "--format", "markdown"],
    ["report", "--project-ids", "no such project"],
    ["costs", "--start", "2d", "--group-by", "project_id,api_key_id", "--names", "--format", "csv"],
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


# A server that echoes the key back: in a header, in its body, in any encoding.


def _json_escaped(text: str) -> str:
    """Every character as a JSON \\uXXXX escape: valid JSON that decodes to the key."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _percent(text: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in text)


ENCODINGS = {
    "raw": KEY,
    "json-escaped dashes": KEY.replace("-", "\\u002d"),
    "json-escaped all": _json_escaped(KEY),
    "percent-encoded": _percent(KEY),
    "mixed": KEY[:10] + _percent(KEY[10:20]) + _json_escaped(KEY[20:30]) + KEY[30:],
    "html references": "".join(f"&#{ord(c)};" for c in KEY),
}


class EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with the caller's Authorization in `x-request-id` and in the body, encoded as the
    path asks: `/500/<encoding>/...` an error envelope, `/200/<encoding>/...` a page whose amount is the key,
    `/ok/<encoding>/...` a good page (the key only in the header)."""

    def do_GET(self) -> None:
        _, status, encoding, *_ = self.path.split("/", 4)
        echoed = self.headers.get("Authorization", "")
        shown = echoed.replace(KEY, ENCODINGS[encoding.replace("_", " ")])
        if status == "ok":
            body = '{"object": "page", "has_more": false, "next_page": null, "data": [{"object": "bucket", '
            body += f'"start_time": {NOW - 86400}, "end_time": {NOW}, "results": []}}]}}'
            status = "200"
        elif status != "200":
            body = '{"error": {"message": "bad key ' + shown + '", "type": "' + shown + '", "param": null}}'
        else:
            bad = '{"object": "organization.costs.result", "amount": {"value": "' + shown + '", "currency": "usd"}}'
            body = '{"object": "page", "has_more": false, "next_page": null, "data": [{"object": "bucket", '
            body += f'"start_time": {NOW - 86400}, "end_time": {NOW}, "results": [{bad}]}}]}}'
        data = body.encode()
        self.send_response(int(status))
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", echoed)
        self.send_header("set-cookie", f"session={_percent(KEY)}; Path=/")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(NOW, usegmt=True)  # the `Date` header: the server's clock reads NOW on any day

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def all_error_texts(error: BaseException) -> list[str]:
    """What error_texts shows, plus args, a pickle and a traceback with every frame's local variables."""
    with_locals = traceback.TracebackException.from_exception(error, capture_locals=True)
    return [
        *error_texts(error),
        repr(error.args),
        repr(pickle.dumps(error)),
        "".join(with_locals.format()),
        *(str(value) for value in vars(error).values()),
    ]


@pytest.mark.parametrize("status", ["500", "200"])
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_a_key_echoed_in_any_encoding_never_reaches_an_error(
    echo_url: str, status: str, encoding: str, debug_logs: pytest.LogCaptureFixture
) -> None:
    base = f"{echo_url}/{status}/{encoding.replace(' ', '_')}/v1"
    with UsageClient(KEY, base_url=base, max_retries=0) as client, pytest.raises(OaiUsageError) as caught:
        list(client.costs(start_time=NOW - 86400, end_time=NOW).rows())
    assert_clean(*all_error_texts(caught.value))
    assert "***" in str(caught.value)


@pytest.mark.parametrize("encoding", ["raw", "json-escaped all", "percent-encoded"])
async def test_async_a_key_echoed_never_reaches_an_error(
    echo_url: str, encoding: str, debug_logs: pytest.LogCaptureFixture
) -> None:
    base = f"{echo_url}/500/{encoding.replace(' ', '_')}/v1"

    async def no_wait(_: float) -> None:
        return None

    async with AsyncUsageClient(KEY, base_url=base, max_retries=1, sleep=no_wait) as client:
        with pytest.raises(OaiUsageError) as caught:
            [b async for b in client.costs(start_time=NOW - 86400, end_time=NOW)]
    assert_clean(*all_error_texts(caught.value))


def test_httpcore_debug_lines_never_show_an_echoed_header(echo_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with UsageClient(KEY, base_url=f"{echo_url}/ok/raw/v1", max_retries=0) as client:
        assert len(list(client.costs(start_time=NOW - 86400, end_time=NOW))) == 1
    headers = [r for r in caplog.records if r.name.startswith("httpcore") and "x-request-id" in r.getMessage()]
    assert headers, "httpcore logged no response headers: the test proves nothing"
    assert_clean(caplog.text, *(r.getMessage() for r in caplog.records))


def test_cookies_from_the_server_are_not_kept(echo_url: str, debug_logs: pytest.LogCaptureFixture) -> None:
    with UsageClient(KEY, base_url=f"{echo_url}/200/raw/v1", max_retries=0) as client:
        for _ in range(2):
            with pytest.raises(OaiUsageError):
                list(client.costs(start_time=NOW - 86400, end_time=NOW))
        assert not list(client._transport.http.cookies.jar)


def test_the_cli_error_line_never_shows_an_echoed_key(
    echo_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    for encoding in ENCODINGS:
        url = f"{echo_url}/401/{encoding.replace(' ', '_')}/v1"  # not retried: no waits
        code = run(["-vv", "--base-url", url, "costs", "--start", "2d"], now=datetime.fromtimestamp(NOW, UTC))
        assert code == 1
    captured = capsys.readouterr()
    assert_clean(captured.out, captured.err)
