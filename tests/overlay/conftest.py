"""Fixtures of the overlay tests: a clean environment and clients whose retries never really sleep."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from oai_usage import AsyncUsageClient, UsageClient
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import DAY, KEY, NOV_1, completions_result, days, page

ENV_VARS = ("OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_API_KEY")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No OpenAI variables from the developer's shell leak into a test."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for between retries, in order (nothing really sleeps)."""
    return []


@pytest.fixture
def client(clean_env: pytest.MonkeyPatch, sleeps: list[float]) -> Iterator[UsageClient]:
    with UsageClient(KEY, sleep=sleeps.append) as usage_client:
        yield usage_client


@pytest.fixture
async def aclient(clean_env: pytest.MonkeyPatch, sleeps: list[float]) -> AsyncIterator[AsyncUsageClient]:
    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with AsyncUsageClient(KEY, sleep=fake_sleep) as usage_client:
        yield usage_client


@pytest.fixture
def once(clean_env: pytest.MonkeyPatch) -> Iterator[UsageClient]:
    """A client that does not retry, so a test sees the first answer's outcome."""
    with UsageClient(KEY, max_retries=0) as usage_client:
        yield usage_client


@dataclass
class PageLiveness:
    """What `three_daily_pages` saw: at each request, which of the pages taken so far were still alive."""

    taken: list[weakref.ref[Any]] = field(default_factory=list)
    alive_at_each_request: list[list[bool]] = field(default_factory=list)


@pytest.fixture
def three_daily_pages(httpx_mock: HTTPXMock) -> PageLiveness:
    """A server of three one-day completions pages (1-3 November) chained by next_page; a test puts a weak
    reference to each page it takes in `taken`."""
    seen = PageLiveness()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.alive_at_each_request.append([ref() is not None for ref in seen.taken])
        number = len(seen.alive_at_each_request)
        more = f"page_{number + 1}" if number < 3 else None
        return httpx.Response(200, json=page(days(NOV_1 + (number - 1) * DAY, 1, [completions_result()]), more))

    httpx_mock.add_callback(answer, is_reusable=True)
    return seen
