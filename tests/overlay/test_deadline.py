"""The sync client's attempt deadline covers the status line and headers, not only the body.

A real loopback server sends its headers one byte at a time, each byte well inside the read timeout, for far
longer than connect + read timeout: httpx alone would wait for all of it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from oai_usage import APITimeoutError, UsageClient
from oai_usage.deadline import DeadlineTransport

from tests.overlay.payloads import DAY, KEY, NOV_1

DRIBBLE_SECONDS = 8.0  # how long the server keeps dribbling (then it stops by itself)
STEP = 0.1  # one byte every STEP seconds: far inside any read timeout below


@pytest.fixture
def dribbling_server() -> Iterator[str]:
    """An HTTP server on loopback that sends its response headers one byte per STEP, for DRIBBLE_SECONDS."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(DRIBBLE_SECONDS)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                head = b"HTTP/1.1 200 OK\r\nx-filler: " + b"a" * 10_000
                ends = time.monotonic() + DRIBBLE_SECONDS
                for byte in head:
                    if stop.is_set() or time.monotonic() > ends:
                        break
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break  # the client gave up: what the test wants
                    time.sleep(STEP)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    host, port = listener.getsockname()
    try:
        yield f"http://{host}:{port}/v1"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=DRIBBLE_SECONDS + 2)


def test_dribbled_headers_hit_the_deadline(clean_env: pytest.MonkeyPatch, dribbling_server: str) -> None:
    with UsageClient(KEY, base_url=dribbling_server, timeout=0.5, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            list(client.costs(start_time=NOV_1, end_time=NOV_1 + DAY))
        elapsed = time.monotonic() - started
    # The deadline is connect + read = 1 s; without it the request lasts the whole dribble (8 s).
    assert elapsed < DRIBBLE_SECONDS / 2


def test_the_client_builds_its_connections_with_the_deadline_transport(clean_env: pytest.MonkeyPatch) -> None:
    with UsageClient(KEY) as client:
        assert isinstance(client._transport.http._transport, DeadlineTransport)
