"""Time and memory a server can take: a decompressed-size cap, a deadline per attempt, strict JSON.

A gzip bomb fails fast with a `DecodeError` in bounded memory (the stream is abandoned early); a server
dribbling a byte at a time is cut off by the attempt's deadline (an `APITimeoutError`, retried like a timeout);
JSON nested too deeply, `NaN`/`Infinity` literals and overflowing numbers are `DecodeError`s, sync and async.
"""

from __future__ import annotations

import functools
import json
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from oai_usage import APITimeoutError, AsyncUsageClient, DecodeError, ServerError, UsageClient, ValidationError
from oai_usage.transport import DEFAULT_MAX_RESPONSE_BYTES
from pytest_httpx import HTTPXMock, IteratorStream

from tests.overlay.payloads import DAY, KEY, NOV_1, bucket, costs_result, page

WIRE_CHUNK = 16 * 1024  # about 16 MB once inflated: httpx would inflate each in one piece
BOMB_MB = 256


@functools.cache
def _bomb() -> bytes:
    """256 MB of zeros, gzip-compressed to about a quarter of a megabyte."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = [packer.compress(zeros) for _ in range(BOMB_MB)]
    return b"".join(parts) + packer.flush()


class Counted:
    """The bomb in wire-sized chunks, counting how many the client pulled."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for offset in range(0, len(self.data), WIRE_CHUNK):
            self.pulled += 1
            yield self.data[offset : offset + WIRE_CHUNK]

    @property
    def total(self) -> int:
        return -(-len(self.data) // WIRE_CHUNK)


def _add_bomb(httpx_mock: HTTPXMock) -> Counted:
    chunks = Counted(_bomb())
    httpx_mock.add_response(
        stream=IteratorStream(chunks), headers={"content-encoding": "gzip", "content-type": "application/json"}
    )
    return chunks


def test_a_gzip_bomb_fails_fast_in_bounded_memory(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    chunks = _add_bomb(httpx_mock)
    with UsageClient(KEY, max_retries=0, max_response_bytes=4_000_000) as client:
        tracemalloc.start()
        try:
            with pytest.raises(DecodeError, match="larger than max_response_bytes"):
                list(client.costs(start_time=NOV_1, end_time=NOV_1 + DAY))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert chunks.pulled == 1 < chunks.total  # stopped inside the first wire chunk: the rest was never read
    assert peak < 32 * 2**20  # the cap plus a megabyte-sized piece, far below the 256 MB the body inflates to


async def test_async_a_gzip_bomb_fails_fast(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    chunks = _add_bomb(httpx_mock)
    async with AsyncUsageClient(KEY, max_retries=0, max_response_bytes=4_000_000) as client:
        with pytest.raises(DecodeError, match="larger than max_response_bytes"):
            [r async for r in client.costs(start_time=NOV_1, end_time=NOV_1 + DAY).rows()]
    assert chunks.pulled == 1 < chunks.total


def test_a_declared_length_over_the_cap_is_refused_unread(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    body = json.dumps(page([bucket(NOV_1, [costs_result()])])).encode()
    chunks = Counted(body)
    httpx_mock.add_response(stream=IteratorStream(chunks), headers={"content-length": str(len(body))})
    with (
        UsageClient(KEY, max_retries=0, max_response_bytes=100) as client,
        pytest.raises(DecodeError, match="larger than max_response_bytes"),
    ):
        list(client.costs(start_time=NOV_1, end_time=NOV_1 + DAY))
    assert chunks.pulled == 0


def test_the_default_cap_is_well_above_the_largest_real_page(client: UsageClient) -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES >= 8 * 8_000_000  # the largest real page is about 8 MB of JSON
    assert client.max_response_bytes == client._transport.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "64MB"])
def test_a_bad_cap_is_a_validation_error(clean_env: pytest.MonkeyPatch, value: Any) -> None:
    with pytest.raises(ValidationError, match="max_response_bytes") as info:
        UsageClient(KEY, max_response_bytes=value)
    assert info.value.param == "max_response_bytes"


class Dribble:
    """A body sent one byte per (fake) second: each chunk moves the client's clock on by a second."""

    def __init__(self, clock: list[float], size: int = 40) -> None:
        self.clock = clock
        self.size = size
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.size):
            self.pulled += 1
            self.clock[0] += 1.0
            yield b" "

    async def __aiter__(self) -> Any:
        for chunk in self:
            yield chunk


def test_a_dribbling_server_hits_the_attempt_deadline(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    clock = [0.0]
    streams = [Dribble(clock), Dribble(clock)]
    for stream in streams:
        httpx_mock.add_response(stream=IteratorStream(stream))
    with UsageClient(KEY, timeout=3, max_retries=1, sleep=lambda _: None) as client:
        client._transport.clock = lambda: clock[0]
        with pytest.raises(APITimeoutError, match=r"longer than 6 s") as info:
            list(client.costs(start_time=NOV_1, end_time=NOV_1 + DAY))
    assert info.value.resume is not None
    assert [s.pulled for s in streams] == [7, 7]  # retried like a timeout; each attempt cut at 6 s (3 + 3)


async def test_async_a_dribbling_server_hits_the_attempt_deadline(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    clock = [0.0]
    stream = Dribble(clock)
    httpx_mock.add_response(stream=IteratorStream(stream))
    async with AsyncUsageClient(KEY, timeout=3, max_retries=0) as client:
        client._transport.clock = lambda: clock[0]
        with pytest.raises(APITimeoutError, match=r"longer than 6 s"):
            [b async for b in client.costs(start_time=NOV_1, end_time=NOV_1 + DAY)]
    assert stream.pulled == 7


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_deeply_nested_json_is_a_decode_error(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(content=DEEP, headers={"content-type": "application/json"})
    with pytest.raises(DecodeError, match="nested too deeply"):
        list(once.costs(start_time=NOV_1, end_time=NOV_1 + DAY))


async def test_async_deeply_nested_json_is_a_decode_error(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(content=b'{"object": "page", "data": ' + DEEP + b"}")
    async with AsyncUsageClient(KEY, max_retries=0) as client:
        with pytest.raises(DecodeError, match="nested too deeply"):
            [r async for r in client.costs(start_time=NOV_1, end_time=NOV_1 + DAY).rows()]


def test_a_deeply_nested_error_body_is_still_a_server_error(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=500, content=b'{"error": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    with pytest.raises(ServerError):
        list(once.costs(start_time=NOV_1, end_time=NOV_1 + DAY))


def _costs_page_with(value: str) -> bytes:
    text = json.dumps(page([bucket(NOV_1, [costs_result(value=0.5)])]))
    return text.replace('"value": 0.5', f'"value": {value}').encode()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
@pytest.mark.parametrize("how", ["buckets", "rows", "dataframe"])
def test_non_finite_numbers_are_refused_like_the_string_nan(
    once: UsageClient, httpx_mock: HTTPXMock, literal: str, how: str
) -> None:
    httpx_mock.add_response(content=_costs_page_with(literal), headers={"content-type": "application/json"})
    q = once.costs(start_time=NOV_1, end_time=NOV_1 + DAY)
    with pytest.raises(DecodeError):
        if how == "buckets":
            list(q)
        elif how == "rows":
            list(q.rows())
        else:
            q.to_dataframe()


async def test_async_nan_is_refused(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(content=_costs_page_with("NaN"))
    async with AsyncUsageClient(KEY, max_retries=0) as client:
        with pytest.raises(DecodeError, match="NaN is not a JSON number"):
            await client.costs(start_time=NOV_1, end_time=NOV_1 + DAY).to_dataframe()


def test_a_finite_float_still_reads(once: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(content=_costs_page_with("12.5e-1"))
    rows = list(once.costs(start_time=NOV_1, end_time=NOV_1 + DAY).rows())
    assert rows[0]["amount_value"] == 1.25


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def _deflate(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


GOOD = json.dumps(page([bucket(NOV_1, [costs_result()])])).encode()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", _gzip(GOOD)),
        ("deflate", _deflate(GOOD, zlib.MAX_WBITS)),  # zlib-wrapped, as the RFC says
        ("deflate", _deflate(GOOD, -zlib.MAX_WBITS)),  # raw, as some servers send it
        ("identity", GOOD),
    ],
)
def test_compressed_pages_read_as_before(once: UsageClient, httpx_mock: HTTPXMock, encoding: str, body: bytes) -> None:
    chunks = Counted(body)
    httpx_mock.add_response(stream=IteratorStream(chunks), headers={"content-encoding": encoding})
    rows = list(once.costs(start_time=NOV_1, end_time=NOV_1 + DAY).rows())
    assert [r["amount_value"] for r in rows] == [4.608]


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_corrupt_compressed_body_is_a_decode_error(once: UsageClient, httpx_mock: HTTPXMock, encoding: str) -> None:
    corrupt = IteratorStream([b"\x1f\x8b\x08\x00 this is not compressed"])  # streamed, as from a socket
    httpx_mock.add_response(stream=corrupt, headers={"content-encoding": encoding})
    with pytest.raises(DecodeError, match=r"decompress|decod|not JSON"):
        list(once.costs(start_time=NOV_1, end_time=NOV_1 + DAY))


async def test_async_a_corrupt_gzip_body_is_a_decode_error(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    corrupt = IteratorStream([b"\x1f\x8b\x08\x00 garbage"])
    httpx_mock.add_response(stream=corrupt, headers={"content-encoding": "gzip"})
    async with AsyncUsageClient(KEY, max_retries=0) as client:
        with pytest.raises(DecodeError, match="gzip body does not decompress"):
            [b async for b in client.costs(start_time=NOV_1, end_time=NOV_1 + DAY)]
