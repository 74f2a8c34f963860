"""The in-process httpx transport: the sandbox without a socket, faults raised as a network would raise them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Generator, Iterator
from urllib.parse import parse_qsl

import httpx

from .config import SandboxConfig
from .core import Sandbox, SandboxResponse


def _call(sandbox: Sandbox, request: httpx.Request) -> SandboxResponse:
    query = parse_qsl(request.url.query.decode("ascii", "replace"), keep_blank_values=True)
    return sandbox.serve(request.method, request.url.path, query, dict(request.headers))


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout", {})
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if value is not None else None


def _dropped(request: httpx.Request) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


class _TruncatedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Yields the first half of a body, then fails as a connection closed mid-body does."""

    def __init__(self, body: bytes, request: httpx.Request) -> None:
        self._part = body[: len(body) // 2]
        self._request = request

    def _error(self) -> httpx.RemoteProtocolError:
        msg = "peer closed connection without sending complete message body (incomplete read)"
        return httpx.RemoteProtocolError(msg, request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        yield self._part
        raise self._error()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._part
        raise self._error()


def _response(resp: SandboxResponse, request: httpx.Request) -> httpx.Response:
    headers = [*resp.headers, ("content-length", str(len(resp.body)))]
    if resp.fault == "truncate":
        return httpx.Response(
            resp.status, headers=headers, stream=_TruncatedStream(resp.body, request), request=request
        )
    return httpx.Response(resp.status, headers=headers, content=resp.body, request=request)


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The sandbox in process, for `httpx.Client` and `httpx.AsyncClient` alike (as httpx's `MockTransport`).

        httpx.Client(transport=SandboxTransport(SandboxConfig()), base_url="https://api.openai.com/v1")
        httpx.AsyncClient(transport=SandboxTransport(SandboxConfig()), base_url="https://api.openai.com/v1")

    One exchange (`_exchange`) decides everything: it yields the seconds to wait (latency, a slow answer) and
    returns the response or raises the network error. The sync and async entry points differ only in how they
    wait (`time.sleep` or `asyncio.sleep`).
    """

    def __init__(self, config: SandboxConfig | None = None, *, sandbox: Sandbox | None = None) -> None:
        self.sandbox = sandbox or Sandbox(config or SandboxConfig())

    def _exchange(self, request: httpx.Request) -> Generator[float, None, httpx.Response]:
        cfg = self.sandbox.config
        if cfg.latency_ms:
            yield cfg.latency_ms / 1000
        resp = _call(self.sandbox, request)
        if resp.fault == "drop":
            raise _dropped(request)
        if resp.fault == "slow":
            limit = _read_timeout(request)
            if limit is not None and limit < cfg.slow_seconds:
                yield limit
                raise httpx.ReadTimeout("Timed out waiting for the sandbox's slow response.", request=request)
            yield cfg.slow_seconds
        return _response(resp, request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        steps = self._exchange(request)
        while True:
            try:
                delay = next(steps)
            except StopIteration as done:
                response: httpx.Response = done.value
                return response
            time.sleep(delay)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        steps = self._exchange(request)
        while True:
            try:
                delay = next(steps)
            except StopIteration as done:
                response: httpx.Response = done.value
                return response
            await asyncio.sleep(delay)

    def close(self) -> None:
        """Nothing to release (no socket)."""

    async def aclose(self) -> None:
        """Nothing to release (no socket)."""


AsyncSandboxTransport = SandboxTransport
"""The former name of the async twin, kept so existing imports work: `SandboxTransport` serves both."""
