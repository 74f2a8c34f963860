"""The sandbox's `Date` header is its own now (pinned or not), in process and over HTTP: clients learn its clock."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime

import httpx
import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig, SandboxTransport, serve_in_thread

from tests.sandbox.conftest import AUTH, BASE, NOW, usage


def _below_v1(endpoint: str) -> str:
    """The path below a base URL that ends in /v1."""
    return usage(endpoint).removeprefix("/v1")


def _seconds(response: httpx.Response) -> int:
    (value,) = response.headers.get_list("date")  # exactly one: uvicorn's own wall-clock header is off
    return int(parsedate_to_datetime(value).timestamp())


def test_the_in_process_date_is_the_pinned_now(client: httpx.Client) -> None:
    response = client.get(_below_v1("completions"), params={"start_time": NOW - 3600})
    assert response.status_code == 200
    assert _seconds(response) == NOW


def test_the_http_date_is_the_pinned_now(live: httpx.Client) -> None:
    response = live.get(_below_v1("embeddings"), params={"start_time": NOW - 3600})
    assert response.status_code == 200
    assert _seconds(response) == NOW


def test_an_error_answer_carries_the_date_too(live: httpx.Client) -> None:
    response = live.get(_below_v1("completions"), params={"start_time": "soon"})
    assert response.status_code == 400
    assert _seconds(response) == NOW


def test_a_fault_answer_carries_the_date_too() -> None:
    config = SandboxConfig(now=NOW, fault_rate=1.0, faults=("rate_limit",))
    with httpx.Client(transport=SandboxTransport(config), base_url=BASE, headers=AUTH) as faulty:
        response = faulty.get(_below_v1("completions"), params={"start_time": NOW - 3600})
    assert response.status_code == 429
    assert _seconds(response) == NOW


def test_an_unpinned_sandbox_dates_its_answers_with_its_clock_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("oai_usage_sandbox.config.system_time", lambda: NOW + 0.9)
    with serve_in_thread(SandboxConfig(seed=7)) as url, httpx.Client(base_url=url, headers=AUTH) as live:
        response = live.get(_below_v1("completions"), params={"start_time": NOW - 7200, "bucket_width": "1h"})
    assert _seconds(response) == NOW
    assert response.json()["data"][-1]["end_time"] == NOW  # the data is clipped at the same reading


def test_the_page_and_the_header_share_one_reading_of_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    readings = iter(range(NOW, NOW + 100))
    monkeypatch.setattr("oai_usage_sandbox.config.system_time", lambda: float(next(readings)))
    response = Sandbox(SandboxConfig(seed=7)).handle(
        "GET", usage("completions"), [("start_time", str(NOW - 7200)), ("bucket_width", "1h")], AUTH
    )
    date = int(parsedate_to_datetime(response.header("date") or "").timestamp())
    assert json.loads(response.body)["data"][-1]["end_time"] == date
