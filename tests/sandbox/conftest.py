"""Fixtures for the sandbox tests: a pinned clock, the pure core, in-process clients and a live loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig, SandboxTransport, serve_in_thread

DAY = 86_400
NOW = 1_793_491_200 + 3 * DAY + 12_345  # a fixed instant, 3 days and a bit after a UTC midnight
TODAY = NOW // DAY * DAY
AUTH = {"Authorization": "Bearer sk-admin-test"}
BASE = "https://api.openai.com/v1"

Params = Sequence[tuple[str, object]]


def call(sandbox: Sandbox, path: str, params: Params = (), headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """Run one request through the pure core; returns (status, decoded JSON body)."""
    items = [(k, str(v)) for k, v in params]
    resp = sandbox.handle("GET", path, items, AUTH if headers is None else headers)
    return resp.status, json.loads(resp.body)


def ok(sandbox: Sandbox, path: str, params: Params = ()) -> dict[str, Any]:
    """A successful page from the core (fails the test on any other status)."""
    status, body = call(sandbox, path, params)
    assert status == 200, body
    page: dict[str, Any] = body
    return page


def usage(endpoint: str) -> str:
    return f"/v1/organization/usage/{endpoint}"


@pytest.fixture(scope="session")
def config() -> SandboxConfig:
    return SandboxConfig(seed=7, now=NOW)


@pytest.fixture(scope="session")
def sandbox(config: SandboxConfig) -> Sandbox:
    return Sandbox(config)


@pytest.fixture
def client(config: SandboxConfig) -> Iterator[httpx.Client]:
    with httpx.Client(transport=SandboxTransport(config), base_url=BASE, headers=AUTH) as c:
        yield c


@pytest.fixture(scope="session")
def live_url(config: SandboxConfig) -> Iterator[str]:
    with serve_in_thread(config) as url:
        yield url


@pytest.fixture
def live(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, headers=AUTH, timeout=10) as c:
        yield c
