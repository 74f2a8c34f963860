"""Internal: a total deadline for one synchronous attempt, headers included.

httpx's timeouts are per operation: a server that sends its status line and headers one byte at a time never
trips a read timeout. The async client wraps each attempt in `asyncio.timeout`; threads cannot be cancelled, so
the sync client's own connections go through `DeadlineTransport`, whose sockets shorten every read and write to
what is left of the attempt's deadline (set per thread with `within`). A transport the caller injects is theirs:
it gets the body-phase check in `body.py` only.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = ["DeadlineTransport", "within"]

_DEADLINE: ContextVar[float | None] = ContextVar("oai_usage_attempt_deadline", default=None)


@contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Every socket read and write of this thread's attempt must end within `seconds` from now."""
    token = _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _shorten(timeout: float | None, error: type[Exception]) -> float | None:
    """The timeout for one socket operation: the caller's, cut to what is left of the deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's deadline (connect + read timeout) has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _shorten(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _shorten(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wrapped = self._stream.start_tls(ssl_context, server_hostname, _shorten(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(wrapped)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        limit = _shorten(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(super().connect_tcp(host, port, limit, local_address, socket_options))


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, with connections whose sockets keep the attempt's deadline."""

    def __init__(self, *, verify: ssl.SSLContext) -> None:
        super().__init__(verify=verify)
        # httpx (pinned < 0.29) offers no hook for httpcore's network backend: rebuild its pool with ours.
        # tests/overlay/test_deadline.py fails if this stops taking effect.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)  # httpx's
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )
