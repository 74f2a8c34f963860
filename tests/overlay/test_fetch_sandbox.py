"""Concurrent fetching and resuming against the sandbox emulator (in-process transport, injected faults)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from oai_usage import OaiUsageError, UsageClient
from oai_usage_sandbox import SandboxConfig, SandboxTransport

from tests.overlay.payloads import DAY, NOV_1

END = NOV_1 + 30 * DAY
NOW = END + DAY
RANGE: dict[str, Any] = {
    "start_time": NOV_1,
    "end_time": END,
    "bucket_width": "1h",
    "group_by": ["model", "project_id"],
}
STATUS_FAULTS = ("rate_limit", "server_error_json", "bad_gateway", "unavailable", "unknown_520")


def _client(config: SandboxConfig, **options: Any) -> UsageClient:
    http = httpx.Client(transport=SandboxTransport(config))
    return UsageClient(
        "sk-admin-sandbox-tests-000000000000000",
        base_url="http://127.0.0.1/v1",
        http_client=http,
        sleep=lambda _: None,
        **options,
    )


@pytest.fixture
def clean(clean_env: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    with _client(SandboxConfig(now=NOW)) as client:
        yield list(client.completions(**RANGE).with_concurrency(1))


def test_concurrent_buckets_equal_sequential_buckets(clean: list[Any]) -> None:
    with _client(SandboxConfig(now=NOW)) as client:
        assert list(client.completions(**RANGE)) == clean
    assert sum(len(b.results) for b in clean) > 720  # grouped: more than one row per hour


def test_concurrent_rows_equal_sequential_rows(clean_env: pytest.MonkeyPatch) -> None:
    with _client(SandboxConfig(now=NOW)) as client:
        q = client.completions(**RANGE)
        assert list(q.rows()) == list(q.with_concurrency(1).rows())


def test_retries_absorb_injected_faults(clean: list[Any]) -> None:
    config = SandboxConfig(now=NOW, fault_rate=0.3, fault_seed=7, faults=STATUS_FAULTS)
    with _client(config, max_retries=8) as client:
        assert list(client.completions(**RANGE)) == clean


@pytest.mark.parametrize("concurrency", [1, 8])
def test_resuming_after_each_failure_delivers_the_range_exactly_once(clean: list[Any], concurrency: int) -> None:
    config = SandboxConfig(now=NOW, fault_rate=0.3, fault_seed=3, faults=STATUS_FAULTS)
    delivered: list[Any] = []
    failures = 0
    with _client(config, max_retries=0, max_concurrency=concurrency) as client:
        q = client.completions(**RANGE)
        run = q
        while True:
            try:
                for b in run:
                    delivered.append(b)
                break
            except OaiUsageError as exc:
                assert exc.resume is not None
                assert exc.resume.buckets_delivered == len(delivered)
                failures += 1
                assert failures < 200
                run = q.resume(exc.resume)
    assert failures > 0
    assert delivered == clean


@pytest.mark.parametrize("concurrency", [1, 8])
def test_planned_pages_are_the_requests_a_run_makes(clean_env: pytest.MonkeyPatch, concurrency: int) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(transport=SandboxTransport(SandboxConfig(now=NOW)), event_hooks={"request": [sent.append]})
    with UsageClient("sk-admin-sandbox-tests-000000000000000", base_url="http://127.0.0.1/v1", http_client=http) as c:
        query = c.completions(**RANGE).with_concurrency(concurrency)
        list(query.row_pages())
    assert query.planned_pages == len(sent) == 5  # 720 hours at 168 per page


def test_row_pages_carry_the_same_rows_as_rows(clean_env: pytest.MonkeyPatch) -> None:
    with _client(SandboxConfig(now=NOW)) as client:
        query = client.completions(**RANGE)
        from_pages = [row for page in query.row_pages() for bucket in page.data for row in bucket.rows]
        assert from_pages == list(query.rows())
