"""Internal: read one response's body within a size cap and a deadline, and parse it as strict JSON.

Against a hostile server: the body is streamed and its decompressed size capped (`max_response_bytes`), so a
gzip bomb fails fast in bounded memory (gzip and deflate are inflated here in bounded steps, not by httpx); an
error body is read only as far as its message needs; each attempt has a total deadline (connect plus read
timeout) on top of httpx's per-read timeout, so a server dribbling a byte at a time cannot hold a request; and
JSON with `NaN`/`Infinity` literals, overflowing numbers or nesting too deep for the parser is refused.
No I/O of its own: the transports feed it the chunks they read (`body_chunks`, `abody_chunks`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import jsoncodec

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Answer",
    "BodyBuffer",
    "TooLarge",
    "Undecodable",
    "abody_chunks",
    "attempt_deadline",
    "body_chunks",
    "deadline_passed",
    "parse_json",
]

# The largest real page (1440 one-minute buckets grouped by model and project) is about 8 MB of JSON: 64 MiB is
# eight times that, while json.loads of it stays well under a gigabyte of objects.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_ERROR_BODY_BYTES = 64 * 1024  # an error body is read this far (for its message), never further


class TooLarge(Exception):
    """Raised inside an attempt when the decompressed body passes the cap."""


class Undecodable(Exception):
    """Raised inside an attempt when the body's content encoding does not decode."""


_PIECE = 1 << 20  # at most this many decompressed bytes per step, so the cap is checked before memory grows
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class _Inflater:
    """gzip/deflate in bounded steps: a wire chunk of a gzip bomb never inflates in one piece (httpx's decoders
    inflate each network read whole, up to about 1000 times its size)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.engine = zlib.decompressobj(_WBITS[encoding])
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            if not self.started and self.encoding == "deflate":
                self.started = True
                try:
                    first = self.engine.decompress(data, _PIECE)
                except zlib.error:  # raw deflate without the zlib header, as some servers send it
                    self.engine = zlib.decompressobj(-zlib.MAX_WBITS)
                    first = self.engine.decompress(data, _PIECE)
                yield first
            else:
                yield self.engine.decompress(data, _PIECE)
            while self.engine.unconsumed_tail:
                yield self.engine.decompress(self.engine.unconsumed_tail, _PIECE)
        except zlib.error as exc:
            raise Undecodable(f"{self.encoding} body does not decompress: {exc}") from None

    def flush(self) -> bytes:
        try:
            return self.engine.flush()
        except zlib.error as exc:
            raise Undecodable(f"{self.encoding} body does not decompress: {exc}") from None


def _inflater(response: httpx.Response) -> _Inflater | None:
    """Our own bounded decoder for a body in one gzip/deflate encoding; None: let httpx decode it."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    return _Inflater(encoding) if encoding in _WBITS else None


def body_chunks(response: httpx.Response) -> Iterator[bytes]:
    """The decompressed body in pieces of at most about a megabyte (sync)."""
    inflater = _inflater(response)
    if inflater is None:
        yield from response.iter_bytes()
        return
    for raw in response.iter_raw():
        yield from inflater.feed(raw)
    yield inflater.flush()


async def abody_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The decompressed body in pieces of at most about a megabyte (async)."""
    inflater = _inflater(response)
    if inflater is None:
        async for chunk in response.aiter_bytes():
            yield chunk
        return
    async for raw in response.aiter_raw():
        for piece in inflater.feed(raw):
            yield piece
    yield inflater.flush()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if number - number != 0.0:  # inf or nan (e.g. 1e999)
        raise ValueError(f"{text[:40]} does not fit a float")
    return number


def parse_json(content: bytes) -> Any:
    """Strict JSON: no NaN/Infinity literals, no overflowing floats; RecursionError becomes ValueError. msgspec
    reads it when installed; whatever it refuses is read (or refused) by `json`, as without it (jsoncodec.py)."""
    return jsoncodec.loads(content, _strict_loads)


def _strict_loads(content: bytes) -> Any:
    try:
        return json.loads(content, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def attempt_deadline(timeout: httpx.Timeout) -> float | None:
    """Seconds one attempt (connect, headers and the whole body) may take: connect plus read timeout."""
    parts = [value for value in (timeout.connect, timeout.read) if value is not None]
    return sum(parts) if parts else None


def deadline_passed(deadline: float) -> httpx.ReadTimeout:
    """The timeout an attempt past its deadline ends with (retried as any read timeout)."""
    return httpx.ReadTimeout(f"the response took longer than {deadline:g} s (connect + read timeout)")


@dataclass(frozen=True)
class Answer:
    """One attempt's response and the bytes of its body, read within the size cap and the deadline."""

    response: httpx.Response
    content: bytes = field(repr=False)
    server_time: float | None = None


class BodyBuffer:
    """The body of one response as its chunks arrive: all of a success up to `max_bytes` (past it: `TooLarge`),
    the first 64 KiB of an error (its message), and `httpx.ReadTimeout` once the attempt is past its deadline.

    Made when the headers are in: a success whose declared, unencoded length is already past the cap is refused
    before any body is read."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        max_bytes: int,
        deadline: float | None,
        clock: Callable[[], float],
        started: float,
    ) -> None:
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.clock = clock
        self.started = started
        self.limit = self._limit(response)
        self.chunks: list[bytes] = []
        self.size = 0

    def _limit(self, response: httpx.Response) -> int:
        """How many body bytes to read: the cap for a success, a short prefix of an error body."""
        if 200 <= response.status_code < 300:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes and "content-encoding" not in response.headers:
                raise TooLarge(declared)
            return self.max_bytes
        return _ERROR_BODY_BYTES

    def add(self, chunk: bytes) -> bool:
        """Keep `chunk`; whether to stop reading (an error body's prefix is complete). Raises when past the cap or
        the deadline."""
        if self.deadline is not None and self.clock() - self.started > self.deadline:
            raise deadline_passed(self.deadline)
        room = self.limit - self.size
        if len(chunk) > room:
            if self.limit == self.max_bytes:
                raise TooLarge(str(self.limit))
            self.chunks.append(chunk[:room])
            self.size = self.limit
            return True
        self.chunks.append(chunk)
        self.size += len(chunk)
        return False

    def content(self) -> bytes:
        return b"".join(self.chunks)
