"""Fault injection, one mode at a time, over the live server and through the in-process transports."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from oai_usage_sandbox import AsyncSandboxTransport, SandboxConfig, SandboxTransport, serve_in_thread
from oai_usage_sandbox.faults import FaultPicker

from .conftest import AUTH, BASE, DAY, NOW, TODAY

SPAN = {"start_time": TODAY - DAY, "end_time": TODAY}
PATH = "/organization/usage/embeddings"


def faulty(fault: str, **kw: float) -> SandboxConfig:
    return SandboxConfig(now=NOW, fault_rate=1.0, faults=(fault,), slow_seconds=kw.get("slow", 0.6))


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """One live server per fault, all with fault_rate 1 so every request is faulted."""
    names = ["rate_limit", "server_error_json", "server_error_html", "bad_gateway", "unavailable", "unknown_520"]
    names += ["drop", "slow", "truncate"]
    from contextlib import ExitStack

    with ExitStack() as stack:
        yield {n: stack.enter_context(serve_in_thread(faulty(n))) for n in names}


def get(url: str, timeout: float = 5.0) -> httpx.Response:
    return httpx.get(f"{url}{PATH}", params=SPAN, headers=AUTH, timeout=timeout)


def test_rate_limit_is_429_with_retry_after(servers: dict[str, str]) -> None:
    r = get(servers["rate_limit"])
    assert (r.status_code, r.headers["retry-after"], r.json()["error"]["code"]) == (429, "1", "rate_limit_exceeded")


def test_server_error_json_is_500_envelope(servers: dict[str, str]) -> None:
    r = get(servers["server_error_json"])
    assert (r.status_code, r.json()["error"]["type"]) == (500, "server_error")


def test_server_error_html_is_500_html(servers: dict[str, str]) -> None:
    r = get(servers["server_error_html"])
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("fault", "status"), [("bad_gateway", 502), ("unavailable", 503), ("unknown_520", 520)])
def test_gateway_faults_have_their_status(servers: dict[str, str], fault: str, status: int) -> None:
    r = get(servers[fault])
    assert r.status_code == status
    assert "x-request-id" in r.headers


def test_dropped_connection_raises_protocol_error(servers: dict[str, str]) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        get(servers["drop"])


def test_slow_response_times_out_a_short_timeout(servers: dict[str, str]) -> None:
    with pytest.raises(httpx.ReadTimeout):
        get(servers["slow"], timeout=0.2)


def test_slow_response_arrives_with_a_long_timeout(servers: dict[str, str]) -> None:
    assert get(servers["slow"], timeout=5).status_code == 200


def test_truncated_body_raises_protocol_error(servers: dict[str, str]) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        get(servers["truncate"])


def test_fault_rate_zero_never_faults() -> None:
    picker = FaultPicker(SandboxConfig(fault_rate=0.0))
    assert {picker.next() for _ in range(200)} == {None}


def test_fault_sequence_is_deterministic_per_seed() -> None:
    def seq(seed: int) -> list[str | None]:
        picker = FaultPicker(SandboxConfig(fault_rate=0.3, fault_seed=seed))
        return [picker.next() for _ in range(300)]

    assert seq(1) == seq(1)
    assert seq(1) != seq(2)
    assert 40 < sum(1 for f in seq(1) if f) < 140


def test_latency_is_added_to_each_request() -> None:
    import time

    with httpx.Client(transport=SandboxTransport(SandboxConfig(now=NOW, latency_ms=150)), base_url=BASE) as c:
        t0 = time.perf_counter()
        c.get(PATH, params=SPAN, headers=AUTH)
        assert time.perf_counter() - t0 >= 0.15


@pytest.mark.parametrize("fault", ["drop", "truncate"])
def test_transport_raises_protocol_error(fault: str) -> None:
    with (
        httpx.Client(transport=SandboxTransport(faulty(fault)), base_url=BASE) as c,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        c.get(PATH, params=SPAN, headers=AUTH)


def test_transport_slow_fault_honours_the_read_timeout() -> None:
    with (
        httpx.Client(transport=SandboxTransport(faulty("slow")), base_url=BASE, timeout=0.1) as c,
        pytest.raises(httpx.ReadTimeout),
    ):
        c.get(PATH, params=SPAN, headers=AUTH)


def test_transport_rate_limit_is_429() -> None:
    with httpx.Client(transport=SandboxTransport(faulty("rate_limit")), base_url=BASE) as c:
        assert c.get(PATH, params=SPAN, headers=AUTH).status_code == 429


async def test_async_transport_serves_pages() -> None:
    async with httpx.AsyncClient(transport=AsyncSandboxTransport(SandboxConfig(now=NOW)), base_url=BASE) as c:
        r = await c.get(PATH, params=SPAN, headers=AUTH)
    assert (r.status_code, r.json()["object"]) == (200, "page")


async def test_async_transport_drop_raises() -> None:
    async with httpx.AsyncClient(transport=AsyncSandboxTransport(faulty("drop")), base_url=BASE) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get(PATH, params=SPAN, headers=AUTH)
