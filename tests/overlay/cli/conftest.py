"""Fixtures of the CLI tests: a clean environment, and a library client on the CLI's sandbox organization."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from oai_usage import UsageClient
from oai_usage.cli import connect as fetch
from oai_usage_sandbox import SandboxConfig, SandboxTransport

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # the CLI runs with this "now", and so does the sandbox


@pytest.fixture(autouse=True)
def _no_openai_env(clean_env: pytest.MonkeyPatch) -> None:
    """No key, base URL or time zone (OAI_USAGE_TZ) from the developer's shell reaches a CLI test."""
    clean_env.delenv("OAI_USAGE_TZ", raising=False)


@pytest.fixture
def sandbox_client() -> Iterator[UsageClient]:
    """A library client on the same synthetic organization the CLI's --sandbox uses (same `now`)."""
    http = httpx.Client(transport=SandboxTransport(SandboxConfig(now=int(NOW.timestamp()))))
    with UsageClient(fetch.SANDBOX_KEY, base_url=fetch.SANDBOX_BASE_URL, http_client=http) as client:
        yield client
    http.close()


def tiled_page(request: httpx.Request, results: Callable[[int, int], list[dict[str, Any]]]) -> httpx.Response:
    """A usage or costs page that tiles the asked window with daily or hourly buckets, up to NOW when no end is
    asked (the client's clock probe), each bucket holding `results(bucket_start, width)`."""
    params = request.url.params
    start, end = int(params["start_time"]), int(params.get("end_time", int(NOW.timestamp())))
    step = 3600 if params.get("bucket_width") == "1h" else 86400
    buckets, moment = [], start
    while moment < end:
        stop = min((moment // step + 1) * step, end)
        buckets.append({"object": "bucket", "start_time": moment, "end_time": stop, "results": results(moment, step)})
        moment = stop
    return httpx.Response(200, json={"object": "page", "data": buckets, "has_more": False, "next_page": None})
