"""Send one GET with retries and turn the answer into JSON or a typed error; sync and async.

The request is built by our own httpx client (never the generated client): absolute URL from `base_url`,
auth and organization/project headers on every request (so an injected `http_client` keeps working auth),
and the timeout on every request (so one always applies). The body is parsed here, so the generated
`_parse_response`/`HTTPStatus(...)` paths, which crash on 520 or HTML bodies, are never reached. Everything
except the lines that do I/O is shared between `SyncTransport` and `AsyncTransport`.

Against a hostile server: the body is streamed and its decompressed size capped (`max_response_bytes`), so a
gzip bomb fails fast in bounded memory; each attempt has a total deadline (connect plus read timeout) on top
of httpx's per-read timeout, so a server dribbling a byte at a time cannot hold a request; JSON with
`NaN`/`Infinity` literals, overflowing numbers or nesting too deep for the parser is a `DecodeError`; and
header values kept on errors (the request id) are redacted like bodies. Raised errors do not chain httpx's
exceptions, whose frames hold request headers, and no frame left on a traceback holds an unredacted body.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx

from .auth import Credentials
from .clock import ServerClock
from .deadline import within
from .errors import (
    ADMIN_KEY_HINT,
    APIConnectionError,
    APIError,
    APITimeoutError,
    DecodeError,
    ValidationError,
    error_class_for,
)
from .limiter import Permit, RatePacer, TaskLimiter, ThreadLimiter
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "AsyncTransport",
    "Reply",
    "RequestSpec",
    "SyncTransport",
    "abody_chunks",
    "attempt_deadline",
    "body_chunks",
    "default_ssl_context",
    "parse_json",
]

log = logging.getLogger("oai_usage")

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
# The largest real page (1440 one-minute buckets grouped by model and project) is about 8 MB of JSON: 64 MiB is
# eight times that, while json.loads of it stays well under a gigabyte of objects.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_ERROR_BODY_BYTES = 64 * 1024  # an error body is read this far (for its message), never further


class _TooLarge(Exception):
    """Raised inside an attempt when the decompressed body passes the cap."""


class _Undecodable(Exception):
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
            raise _Undecodable(f"{self.encoding} body does not decompress: {exc}") from None

    def flush(self) -> bytes:
        try:
            return self.engine.flush()
        except zlib.error as exc:
            raise _Undecodable(f"{self.encoding} body does not decompress: {exc}") from None


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
    """Strict JSON: no NaN/Infinity literals, no overflowing floats; RecursionError becomes ValueError."""
    try:
        return json.loads(content, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def attempt_deadline(timeout: httpx.Timeout) -> float | None:
    """Seconds one attempt (connect, headers and the whole body) may take: connect plus read timeout."""
    parts = [value for value in (timeout.connect, timeout.read) if value is not None]
    return sum(parts) if parts else None


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """One certificate-verifying SSL context for every client the library creates (building one costs ~40 ms)."""
    return httpx.create_ssl_context()


_SNIPPET = 200


@dataclass(frozen=True)
class RequestSpec:
    """What to send: method, path below the base URL, query parameters (built by `Endpoint.request`)."""

    method: str
    path: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Reply:
    """A successful answer: the parsed JSON body and where it came from (the body stays out of the repr)."""

    body: Any = field(repr=False)
    status_code: int
    request_id: str | None
    server_time: float | None = None
    """What the response's `Date` header says the server's clock read (Unix seconds), if it said."""


@dataclass(frozen=True)
class _Answer:
    """One attempt's response and the bytes of its body, read within the size cap and the deadline."""

    response: httpx.Response
    content: bytes = field(repr=False)
    server_time: float | None = None


def _charset(response: httpx.Response) -> str:
    name = response.charset_encoding or "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _snippet(text: str) -> str:
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    plain = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    plain = " ".join(plain.split())
    return plain[:_SNIPPET] + ("..." if len(plain) > _SNIPPET else "")


class _TransportBase:
    def __init__(
        self,
        *,
        credentials: Credentials,
        base_url: str,
        timeout: httpx.Timeout,
        policy: RetryPolicy,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] = time.monotonic,
        server_clock: ServerClock | None = None,
        pacer: RatePacer | None = None,
    ) -> None:
        self.credentials = credentials
        self.base_url = base_url
        self.timeout = timeout
        self.policy = policy
        self.max_response_bytes = max_response_bytes
        self.deadline = attempt_deadline(timeout)
        self.clock = clock  # monotonic: attempt deadlines
        self.server_clock = server_clock if server_clock is not None else ServerClock()  # "now": learns from Date
        self.pacer = pacer if pacer is not None else RatePacer()  # the key's request rate (shared: `pacer_for`)

    def _learn(self, permit: Permit, response: httpx.Response) -> None:
        self.pacer.observe(permit, response.status_code, response.headers, self.policy.requested_wait(response))

    def _build(self, http: httpx.Client | httpx.AsyncClient, spec: RequestSpec) -> httpx.Request:
        try:
            return http.build_request(
                spec.method,
                self.base_url + spec.path,
                params=dict(spec.params),
                headers=self.credentials.headers(),
                timeout=self.timeout,
            )
        except httpx.InvalidURL as exc:  # e.g. parameters too long for a URL: never an untyped httpx error
            raise ValidationError(
                f"{spec.method} {spec.path}: the request URL cannot be built ({str(exc)[:100]})", param="url"
            ) from None

    def _limit(self, response: httpx.Response) -> int:
        """How many body bytes to read: the cap for a success, a short prefix of an error body."""
        if 200 <= response.status_code < 300:
            declared = response.headers.get("content-length", "")
            if (
                declared.isdigit()
                and int(declared) > self.max_response_bytes
                and "content-encoding" not in response.headers
            ):
                raise _TooLarge(declared)
            return self.max_response_bytes
        return _ERROR_BODY_BYTES

    def _take(self, chunks: list[bytes], size: int, chunk: bytes, limit: int, started: float) -> tuple[int, bool]:
        """Add `chunk`; (new size, whether to stop reading). Raises when past the cap or the deadline."""
        if self.deadline is not None and self.clock() - started > self.deadline:
            raise httpx.ReadTimeout(f"the response took longer than {self.deadline:g} s (connect + read timeout)")
        room = limit - size
        if len(chunk) > room:
            if limit == self.max_response_bytes:
                raise _TooLarge(str(limit))
            chunks.append(chunk[:room])
            return limit, True
        chunks.append(chunk)
        return size + len(chunk), False

    def _too_large(self, spec: RequestSpec) -> DecodeError:
        return DecodeError(
            f"{spec.method} {spec.path}: the response is larger than max_response_bytes "
            f"({self.max_response_bytes} bytes decompressed); reading stopped there"
        )

    def _plan(
        self, retries_done: int, response: httpx.Response | None, error: Exception | None, spec: RequestSpec
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to finish now (logging the decision)."""
        delay = self.policy.delay(retries_done, response, error)
        if delay is not None:
            cause = f"HTTP {response.status_code}" if response is not None else type(error).__name__
            log.info(
                "%s %s failed (%s); retry %d of %d in %.2f s",
                spec.method,
                spec.path,
                cause,
                retries_done + 1,
                self.policy.max_retries,
                delay,
            )
        return delay

    def _finish(self, answer: _Answer) -> Reply:
        """The parsed body of a 2xx answer, or the matching APIError for anything else."""
        response = answer.response
        request_id = _opt_str(response.headers.get("x-request-id"))
        request_id = None if request_id is None else self.credentials.key.redact(request_id)
        if not 200 <= response.status_code < 300:
            raise self._error(response, answer.content, request_id)
        try:
            body = parse_json(answer.content)
        except json.JSONDecodeError:
            raise self._not_json(response, answer.content, request_id, "") from None
        except ValueError as exc:  # valid JSON syntax we refuse: NaN/Infinity, overflowing numbers, deep nesting
            raise self._not_json(response, answer.content, request_id, str(exc)) from None
        log.debug("%s %s -> %d", response.request.method, response.request.url.path, response.status_code)
        return Reply(body=body, status_code=response.status_code, request_id=request_id, server_time=answer.server_time)

    def _not_json(self, response: httpx.Response, content: bytes, request_id: str | None, reason: str) -> DecodeError:
        content_type = response.headers.get("content-type", "no content type")
        text = self.credentials.key.redact(content[:4096].decode(_charset(response), "replace"))
        because = f" ({reason[:100]})" if reason else ""
        return DecodeError(
            f"HTTP {response.status_code} response is not JSON ({content_type}): {_snippet(text)!r}{because}",
            status_code=response.status_code,
            request_id=request_id,
        )

    def _error(self, response: httpx.Response, content: bytes, request_id: str | None) -> APIError:
        status = response.status_code
        text = self.credentials.key.redact(content.decode(_charset(response), "replace"))
        body: Any
        try:
            body = parse_json(text.encode())
        except ValueError:
            body = None
        message = kind = code = param = None
        envelope = body.get("error") if isinstance(body, Mapping) else None
        if isinstance(envelope, Mapping):
            message, kind = _opt_str(envelope.get("message")), _opt_str(envelope.get("type"))
            code, param = _opt_str(envelope.get("code")), _opt_str(envelope.get("param"))
        elif isinstance(envelope, str):
            message = envelope
        if not message:
            reason = response.reason_phrase or "non-standard status"
            if body is None:
                content_type = response.headers.get("content-type", "no content type")
                message = f"{reason}; non-JSON body ({content_type}): {_snippet(text)!r}"
            else:
                message = f"{reason}; unexpected body: {_snippet(text)!r}"
        hint = ADMIN_KEY_HINT if status in (401, 403) else None
        return error_class_for(status)(
            message,
            status_code=status,
            type=kind,
            code=code,
            param=param,
            request_id=request_id,
            body=body if body is not None else text[:2000],
            retry_after=self.policy.requested_wait(response),
            hint=hint,
        )

    def _give_up(self, error: Exception, spec: RequestSpec, attempts: int) -> NoReturn:
        # Raised without chaining: the httpx/httpcore frames under `error` hold the request's headers.
        detail = self.credentials.key.redact(str(error)) or type(error).__name__
        where = f"{spec.method} {self.base_url}{spec.path}"
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if isinstance(error, httpx.TimeoutException):
            raise APITimeoutError(f"{where} timed out after {tries}: {detail}") from None
        raise APIConnectionError(f"{where} failed after {tries}: {type(error).__name__}: {detail}") from None


class SyncTransport(_TransportBase):
    """Sends with an `httpx.Client`, sleeping between attempts with `sleep`."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        owns_http: bool,
        credentials: Credentials,
        base_url: str,
        timeout: httpx.Timeout,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] = time.monotonic,
        server_clock: ServerClock | None = None,
        pacer: RatePacer | None = None,
    ) -> None:
        super().__init__(
            credentials=credentials,
            base_url=base_url,
            timeout=timeout,
            policy=policy,
            max_response_bytes=max_response_bytes,
            clock=clock,
            server_clock=server_clock,
            pacer=pacer,
        )
        self.http = http
        self.owns_http = owns_http
        self.sleep = sleep

    def _read(self, spec: RequestSpec) -> _Answer:
        with within(self.deadline):  # the headers too, on the client's own connections (deadline.py)
            return self._read_within(spec)

    def _read_within(self, spec: RequestSpec) -> _Answer:
        started = self.clock()
        response = self.http.send(self._build(self.http, spec), stream=True)
        server_time = self.server_clock.observe(response.headers)
        try:
            limit = self._limit(response)
            chunks: list[bytes] = []
            size = 0
            for chunk in body_chunks(response):
                size, stop = self._take(chunks, size, chunk, limit, started)
                if stop:
                    break
            return _Answer(response, b"".join(chunks), server_time)
        finally:
            response.close()

    def _attempt(self, spec: RequestSpec, limiter: ThreadLimiter | None, retry: bool = False) -> _Answer:
        # The key's rate spacing, and a pause a 429 asked for (a retry has waited out its own Retry-After already).
        wait, paced = self.pacer.reserve(skip_pause=retry)
        if wait > 0:
            self.sleep(wait)
        if limiter is None:
            answer = self._read(spec)
        else:
            with limiter.slot() as permit:
                answer = self._read(spec)
                limiter.report(permit, answer.response.status_code)
        self._learn(paced, answer.response)
        return answer

    def send(self, spec: RequestSpec, limiter: ThreadLimiter | None = None) -> Reply:
        """The reply to `spec`, retrying as the policy says; each attempt takes a slot from `limiter` if given."""
        retries = 0
        while True:
            answer: _Answer | None = None
            error: httpx.TransportError | None = None
            try:
                answer = self._attempt(spec, limiter, retry=retries > 0)
            except httpx.TransportError as exc:
                error = exc
            except _TooLarge:
                raise self._too_large(spec) from None
            except (_Undecodable, httpx.DecodingError) as exc:
                raise DecodeError(f"{spec.method} {spec.path}: {self.credentials.key.redact(str(exc))}") from None
            delay = self._plan(retries, answer.response if answer else None, error, spec)
            if delay is None:
                if answer is None:
                    assert error is not None
                    self._give_up(error, spec, retries + 1)
                return self._finish(answer)
            answer = error = None
            self.sleep(delay)
            retries += 1

    def close(self) -> None:
        if self.owns_http:
            self.http.close()


class AsyncTransport(_TransportBase):
    """Sends with an `httpx.AsyncClient`, awaiting `sleep` between attempts."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        owns_http: bool,
        credentials: Credentials,
        base_url: str,
        timeout: httpx.Timeout,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] = time.monotonic,
        server_clock: ServerClock | None = None,
        pacer: RatePacer | None = None,
    ) -> None:
        super().__init__(
            credentials=credentials,
            base_url=base_url,
            timeout=timeout,
            policy=policy,
            max_response_bytes=max_response_bytes,
            clock=clock,
            server_clock=server_clock,
            pacer=pacer,
        )
        self.http = http
        self.owns_http = owns_http
        self.sleep = sleep

    async def _read_body(self, spec: RequestSpec, started: float) -> _Answer:
        response = await self.http.send(self._build(self.http, spec), stream=True)
        server_time = self.server_clock.observe(response.headers)
        try:
            limit = self._limit(response)
            chunks: list[bytes] = []
            size = 0
            async for chunk in abody_chunks(response):
                size, stop = self._take(chunks, size, chunk, limit, started)
                if stop:
                    break
            return _Answer(response, b"".join(chunks), server_time)
        finally:
            await response.aclose()

    async def _read(self, spec: RequestSpec) -> _Answer:
        started = self.clock()
        if self.deadline is None:
            return await self._read_body(spec, started)
        try:
            # The whole attempt, headers included: a server dribbling its headers is cut off too.
            async with asyncio.timeout(self.deadline):
                return await self._read_body(spec, started)
        except TimeoutError:
            raise httpx.ReadTimeout(
                f"the response took longer than {self.deadline:g} s (connect + read timeout)"
            ) from None

    async def _attempt(self, spec: RequestSpec, limiter: TaskLimiter | None, retry: bool = False) -> _Answer:
        wait, paced = self.pacer.reserve(skip_pause=retry)  # as the sync twin
        if wait > 0:
            await self.sleep(wait)
        if limiter is None:
            answer = await self._read(spec)
        else:
            async with limiter.slot() as permit:
                answer = await self._read(spec)
                limiter.report(permit, answer.response.status_code)
        self._learn(paced, answer.response)
        return answer

    async def send(self, spec: RequestSpec, limiter: TaskLimiter | None = None) -> Reply:
        """The reply to `spec`, retrying as the policy says; each attempt takes a slot from `limiter` if given."""
        retries = 0
        while True:
            answer: _Answer | None = None
            error: httpx.TransportError | None = None
            try:
                answer = await self._attempt(spec, limiter, retry=retries > 0)
            except httpx.TransportError as exc:
                error = exc
            except _TooLarge:
                raise self._too_large(spec) from None
            except (_Undecodable, httpx.DecodingError) as exc:
                raise DecodeError(f"{spec.method} {spec.path}: {self.credentials.key.redact(str(exc))}") from None
            delay = self._plan(retries, answer.response if answer else None, error, spec)
            if delay is None:
                if answer is None:
                    assert error is not None
                    self._give_up(error, spec, retries + 1)
                return self._finish(answer)
            answer = error = None
            await self.sleep(delay)
            retries += 1

    async def close(self) -> None:
        if self.owns_http:
            await self.http.aclose()
