"""Fixtures of the overlay tests: a clean environment and clients whose retries never really sleep."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from oai_usage import AsyncUsageClient, UsageClient

from tests.overlay.payloads import KEY

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
