"""Internal: send one GET with retries and turn the answer into JSON or a typed error; sync and async.

The seam the clients use: `SyncTransport`/`AsyncTransport.send(RequestSpec) -> Reply`. The request is built by
our own httpx client (never the generated client): absolute URL from `base_url`, auth and organization/project
headers on every request (so an injected `http_client` keeps working auth), and the timeout on every request (so
one always applies). The body is parsed here, so the generated `_parse_response`/`HTTPStatus(...)` paths, which
crash on 520 or HTML bodies, are never reached.

The work is in three modules, each without I/O of its own: `body` reads a body within the size cap and the
attempt's deadline and parses strict JSON, `error_mapping` turns what went wrong into typed, redacted errors,
`retry_loop` runs the attempts as `retry.RetryPolicy` says. The twins here differ only in the lines that do
I/O: sending, reading the stream, waiting. Raised errors do not chain httpx's exceptions, whose frames hold
request headers, and no frame left on a traceback holds an unredacted body.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import error_mapping
from .auth import Credentials
from .body import (
    DEFAULT_MAX_RESPONSE_BYTES,
    Answer,
    BodyBuffer,
    TooLarge,
    Undecodable,
    abody_chunks,
    attempt_deadline,
    body_chunks,
    deadline_passed,
    parse_json,
)
from .clock import ServerClock
from .deadline import within
from .errors import DecodeError, ValidationError
from .limiter import Permit, RatePacer, TaskLimiter, ThreadLimiter
from .retry import RetryPolicy
from .retry_loop import Attempts, aretry, retry

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "AsyncTransport",
    "Reply",
    "RequestSpec",
    "SyncTransport",
    "default_ssl_context",
]

log = logging.getLogger("oai_usage")

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """One certificate-verifying SSL context for every client the library creates (building one costs ~40 ms)."""
    return httpx.create_ssl_context()


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

    def _body(self, response: httpx.Response, started: float) -> BodyBuffer:
        """The buffer for `response`'s body (refuses a success whose declared length is past the cap)."""
        return BodyBuffer(
            response, max_bytes=self.max_response_bytes, deadline=self.deadline, clock=self.clock, started=started
        )

    def _attempts(self, spec: RequestSpec) -> Attempts:
        return Attempts(self.policy, spec.method, spec.path, self.base_url + spec.path, self.credentials.key.redact)

    def _unreadable(self, spec: RequestSpec, error: Exception) -> DecodeError:
        """A body past the cap, or in an encoding that does not decode."""
        if isinstance(error, TooLarge):
            return error_mapping.too_large(spec.method, spec.path, self.max_response_bytes)
        return error_mapping.undecodable(spec.method, spec.path, error, self.credentials.key.redact)

    def _finish(self, answer: Answer) -> Reply:
        """The parsed body of a 2xx answer, or the matching APIError for anything else."""
        response = answer.response
        redact = self.credentials.key.redact
        request_id = error_mapping.request_id(response, redact)
        if not 200 <= response.status_code < 300:
            retry_after = self.policy.requested_wait(response)
            raise error_mapping.http_error(response, answer.content, request_id, redact, retry_after)
        try:
            body = parse_json(answer.content)
        except json.JSONDecodeError:
            raise error_mapping.not_json(response, answer.content, request_id, "", redact) from None
        except ValueError as exc:  # valid JSON syntax we refuse: NaN/Infinity, overflowing numbers, deep nesting
            raise error_mapping.not_json(response, answer.content, request_id, str(exc), redact) from None
        log.debug("%s %s -> %d", response.request.method, response.request.url.path, response.status_code)
        return Reply(body=body, status_code=response.status_code, request_id=request_id, server_time=answer.server_time)


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

    def _read(self, spec: RequestSpec) -> Answer:
        with within(self.deadline):  # the headers too, on the client's own connections (deadline.py)
            return self._read_within(spec)

    def _read_within(self, spec: RequestSpec) -> Answer:
        started = self.clock()
        response = self.http.send(self._build(self.http, spec), stream=True)
        server_time = self.server_clock.observe(response.headers)
        try:
            body = self._body(response, started)
            for chunk in body_chunks(response):
                if body.add(chunk):
                    break
            return Answer(response, body.content(), server_time)
        finally:
            response.close()

    def _attempt(self, spec: RequestSpec, limiter: ThreadLimiter | None, retry: bool = False) -> Answer:
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
        try:
            answer = retry(functools.partial(self._attempt, spec, limiter), self.sleep, self._attempts(spec))
        except (TooLarge, Undecodable, httpx.DecodingError) as exc:
            raise self._unreadable(spec, exc) from None
        return self._finish(answer)

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

    async def _read_body(self, spec: RequestSpec, started: float) -> Answer:
        response = await self.http.send(self._build(self.http, spec), stream=True)
        server_time = self.server_clock.observe(response.headers)
        try:
            body = self._body(response, started)
            async for chunk in abody_chunks(response):
                if body.add(chunk):
                    break
            return Answer(response, body.content(), server_time)
        finally:
            await response.aclose()

    async def _read(self, spec: RequestSpec) -> Answer:
        started = self.clock()
        if self.deadline is None:
            return await self._read_body(spec, started)
        try:
            # The whole attempt, headers included: a server dribbling its headers is cut off too.
            async with asyncio.timeout(self.deadline):
                return await self._read_body(spec, started)
        except TimeoutError:
            raise deadline_passed(self.deadline) from None

    async def _attempt(self, spec: RequestSpec, limiter: TaskLimiter | None, retry: bool = False) -> Answer:
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
        try:
            answer = await aretry(functools.partial(self._attempt, spec, limiter), self.sleep, self._attempts(spec))
        except (TooLarge, Undecodable, httpx.DecodingError) as exc:
            raise self._unreadable(spec, exc) from None
        return self._finish(answer)

    async def close(self) -> None:
        if self.owns_http:
            await self.http.aclose()
