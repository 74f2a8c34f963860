"""The sandbox's rate limit: a token bucket per key (or organization), 429 past it, OpenAI's headers."""

from __future__ import annotations

import argparse
import json

import httpx
import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig, SandboxTransport, serve_in_thread
from oai_usage_sandbox.options import build_arg_parser, config_from_args
from oai_usage_sandbox.ratelimit import RateLimiter, go_duration, parse_rate

from tests.sandbox.conftest import AUTH, BASE, NOW, usage

PATH = usage("completions")
QUERY = [("start_time", str(NOW - 3600))]


class Steps:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _limited(per_minute: int, clock: Steps, scope: str = "key") -> Sandbox:
    return Sandbox(SandboxConfig(now=NOW, rate_limit=per_minute, rate_limit_scope=scope), rate_clock=clock)


def _status(sandbox: Sandbox, key: str = "sk-admin-one", org: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {key}", **({"OpenAI-Organization": org} if org else {})}
    return sandbox.serve("GET", PATH, QUERY, headers).status


def test_a_bucket_holds_one_seconds_worth_then_refuses() -> None:
    clock = Steps()
    sandbox = _limited(600, clock)  # 10 a second
    assert [_status(sandbox) for _ in range(11)] == [200] * 10 + [429]


def test_the_bucket_refills_at_the_rate() -> None:
    clock = Steps()
    sandbox = _limited(600, clock)
    for _ in range(10):
        _status(sandbox)
    clock.now += 0.099
    assert _status(sandbox) == 429
    clock.now += 0.002  # a tenth of a second after the bucket ran dry: one token
    assert _status(sandbox) == 200
    assert _status(sandbox) == 429


def test_a_refusal_says_how_long_to_wait_as_openai_does() -> None:
    clock = Steps()
    sandbox = _limited(120, clock)  # 2 a second
    sandbox.serve("GET", PATH, QUERY, AUTH)
    sandbox.serve("GET", PATH, QUERY, AUTH)
    refused = sandbox.serve("GET", PATH, QUERY, AUTH)
    assert refused.status == 429
    assert refused.header("retry-after") == "1"  # whole seconds, at least 1
    assert refused.header("retry-after-ms") == "500"
    assert refused.header("x-ratelimit-limit-requests") == "120"
    assert refused.header("x-ratelimit-remaining-requests") == "0"
    assert refused.header("x-ratelimit-reset-requests") == "1s"
    assert json.loads(refused.body)["error"]["code"] == "rate_limit_exceeded"


def test_every_answer_under_a_limit_states_it() -> None:
    clock = Steps()
    answer = _limited(600, clock).serve("GET", PATH, QUERY, AUTH)
    assert answer.status == 200
    assert answer.header("x-ratelimit-limit-requests") == "600"
    assert answer.header("x-ratelimit-remaining-requests") == "9"
    assert answer.header("x-ratelimit-reset-requests") == "100ms"


def test_keys_have_their_own_buckets() -> None:
    clock = Steps()
    sandbox = _limited(60, clock)
    assert (_status(sandbox, "sk-admin-a"), _status(sandbox, "sk-admin-b")) == (200, 200)
    assert (_status(sandbox, "sk-admin-a"), _status(sandbox, "sk-admin-b")) == (429, 429)


def test_the_organization_scope_shares_one_bucket_across_keys() -> None:
    clock = Steps()
    sandbox = _limited(60, clock, scope="organization")
    assert _status(sandbox, "sk-admin-a", "org-1") == 200
    assert _status(sandbox, "sk-admin-b", "org-1") == 429
    assert _status(sandbox, "sk-admin-b", "org-2") == 200


def test_no_limit_sends_no_rate_headers(client: httpx.Client) -> None:
    response = client.get(PATH.removeprefix("/v1"), params=dict(QUERY))
    assert "x-ratelimit-limit-requests" not in response.headers


def test_the_limit_and_its_headers_cross_http() -> None:
    sandbox = _limited(60, Steps())
    with serve_in_thread(sandbox=sandbox) as url, httpx.Client(base_url=url, headers=AUTH) as live:
        first = live.get(PATH.removeprefix("/v1"), params=dict(QUERY))
        second = live.get(PATH.removeprefix("/v1"), params=dict(QUERY))
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.headers["retry-after"] == "1" and first.headers["x-ratelimit-limit-requests"] == "60"


def test_the_in_process_transport_limits_too() -> None:
    sandbox = _limited(60, Steps())
    with httpx.Client(transport=SandboxTransport(sandbox=sandbox), base_url=BASE, headers=AUTH) as c:
        codes = [c.get(PATH.removeprefix("/v1"), params=dict(QUERY)).status_code for _ in range(2)]
    assert codes == [200, 429]
    assert sandbox.rates is not None
    assert (sandbox.rates.served, sandbox.rates.refused) == (1, 1)


@pytest.mark.parametrize(("text", "expected"), [("600/min", 600), ("600/m", 600), ("90", 90), ("0", 0)])
def test_a_rate_is_read_as_requests_a_minute(text: str, expected: int) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["ten/min", "-5", "600/s", "1.5/min", ""])
def test_an_unreadable_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="requests a minute"):
        parse_rate(text)


def test_the_command_line_takes_a_rate_limit_and_its_scope() -> None:
    args = build_arg_parser().parse_args(["--rate-limit", "600/min", "--rate-limit-per", "organization"])
    config = config_from_args(args)
    assert (config.rate_limit, config.rate_limit_scope) == (600, "organization")


def test_the_command_line_refuses_a_bad_rate(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_arg_parser(argparse.ArgumentParser(prog="sandbox")).parse_args(["--rate-limit", "fast"])
    assert "--rate-limit: rate limit must be requests a minute, like 600/min, got 'fast'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (0.0004, "1ms"), (0.1, "100ms"), (1.5, "1.5s"), (62, "1m2s"), (360, "6m0s")]
)
def test_durations_are_written_as_openai_writes_them(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text


def test_the_limiter_never_holds_the_key() -> None:
    limiter = RateLimiter(60, clock=Steps())
    limiter.take({"Authorization": "Bearer sk-admin-secret-value"})
    assert not any("secret" in who for who in limiter._buckets)
