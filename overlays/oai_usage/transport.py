"""Send one GET with retries and turn the answer into JSON or a typed error; sync and async.

The request is built by our own httpx client (never the generated client): absolute URL from `base_url`,
auth and organization/project headers on every request (so an injected `http_client` keeps working auth),
and the timeout on every request (so one always applies). The body is parsed here, so the generated
`_parse_response`/`HTTPStatus(...)` paths, which crash on 520 or HTML bodies, are never reached. Everything
except the three lines that do I/O is shared between `SyncTransport` and `AsyncTransport`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx

from .auth import Credentials
from .errors import (
    ADMIN_KEY_HINT,
    APIConnectionError,
    APIError,
    APITimeoutError,
    DecodeError,
    error_class_for,
)
from .limiter import TaskLimiter, ThreadLimiter
from .retry import RetryPolicy

log = logging.getLogger("oai_usage")

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """One certificate-verifying SSL context for every client the library creates (building one costs ~40 ms)."""
    return httpx.create_ssl_context()


_SNIPPET = 200


@dataclass(frozen=True)
class RequestSpec:
    """What to send: method, path below the base URL, query parameters (as the generated `_get_kwargs` gives them)."""

    method: str
    path: str
    params: Mapping[str, Any]

    @classmethod
    def from_generated(cls, kwargs: Mapping[str, Any]) -> RequestSpec:
        return cls(method=str(kwargs["method"]).upper(), path=str(kwargs["url"]), params=dict(kwargs["params"]))


@dataclass(frozen=True)
class Reply:
    """A successful answer: the parsed JSON body and where it came from."""

    body: Any
    status_code: int
    request_id: str | None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _snippet(text: str) -> str:
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    plain = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    plain = " ".join(plain.split())
    return plain[:_SNIPPET] + ("..." if len(plain) > _SNIPPET else "")


class _TransportBase:
    def __init__(self, *, credentials: Credentials, base_url: str, timeout: httpx.Timeout, policy: RetryPolicy) -> None:
        self.credentials = credentials
        self.base_url = base_url
        self.timeout = timeout
        self.policy = policy

    def _build(self, http: httpx.Client | httpx.AsyncClient, spec: RequestSpec) -> httpx.Request:
        return http.build_request(
            spec.method,
            self.base_url + spec.path,
            params=dict(spec.params),
            headers=self.credentials.headers(),
            timeout=self.timeout,
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

    def _finish(self, response: httpx.Response) -> Reply:
        """The parsed body of a 2xx answer, or the matching APIError for anything else."""
        request_id = response.headers.get("x-request-id")
        if not 200 <= response.status_code < 300:
            raise self._error(response)
        try:
            body = json.loads(response.content)
        except ValueError:
            content_type = response.headers.get("content-type", "no content type")
            text = self.credentials.key.redact(response.text)
            raise DecodeError(
                f"HTTP {response.status_code} response is not JSON ({content_type}): {_snippet(text)!r}",
                status_code=response.status_code,
                request_id=request_id,
            ) from None
        log.debug("%s %s -> %d", response.request.method, response.request.url.path, response.status_code)
        return Reply(body=body, status_code=response.status_code, request_id=request_id)

    def _error(self, response: httpx.Response) -> APIError:
        status = response.status_code
        text = self.credentials.key.redact(response.text)
        body: Any
        try:
            body = json.loads(text)
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
            request_id=response.headers.get("x-request-id"),
            body=body if body is not None else text[:2000],
            retry_after=self.policy.requested_wait(response),
            hint=hint,
        )

    def _give_up(self, error: Exception, spec: RequestSpec, attempts: int) -> NoReturn:
        detail = self.credentials.key.redact(str(error)) or type(error).__name__
        where = f"{spec.method} {self.base_url}{spec.path}"
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if isinstance(error, httpx.TimeoutException):
            raise APITimeoutError(f"{where} timed out after {tries}: {detail}") from error
        raise APIConnectionError(f"{where} failed after {tries}: {type(error).__name__}: {detail}") from error


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
    ) -> None:
        super().__init__(credentials=credentials, base_url=base_url, timeout=timeout, policy=policy)
        self.http = http
        self.owns_http = owns_http
        self.sleep = sleep

    def _attempt(self, spec: RequestSpec, limiter: ThreadLimiter | None) -> httpx.Response:
        if limiter is None:
            return self.http.send(self._build(self.http, spec))
        with limiter.slot() as permit:
            response = self.http.send(self._build(self.http, spec))
            limiter.report(permit, response.status_code)
            return response

    def send(self, spec: RequestSpec, limiter: ThreadLimiter | None = None) -> Reply:
        """The reply to `spec`, retrying as the policy says; each attempt takes a slot from `limiter` if given."""
        retries = 0
        while True:
            response: httpx.Response | None = None
            error: httpx.TransportError | None = None
            try:
                response = self._attempt(spec, limiter)
            except httpx.TransportError as exc:
                error = exc
            delay = self._plan(retries, response, error, spec)
            if delay is None:
                if response is None:
                    assert error is not None
                    self._give_up(error, spec, retries + 1)
                return self._finish(response)
            if response is not None:
                response.close()
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
    ) -> None:
        super().__init__(credentials=credentials, base_url=base_url, timeout=timeout, policy=policy)
        self.http = http
        self.owns_http = owns_http
        self.sleep = sleep

    async def _attempt(self, spec: RequestSpec, limiter: TaskLimiter | None) -> httpx.Response:
        if limiter is None:
            return await self.http.send(self._build(self.http, spec))
        async with limiter.slot() as permit:
            response = await self.http.send(self._build(self.http, spec))
            limiter.report(permit, response.status_code)
            return response

    async def send(self, spec: RequestSpec, limiter: TaskLimiter | None = None) -> Reply:
        """The reply to `spec`, retrying as the policy says; each attempt takes a slot from `limiter` if given."""
        retries = 0
        while True:
            response: httpx.Response | None = None
            error: httpx.TransportError | None = None
            try:
                response = await self._attempt(spec, limiter)
            except httpx.TransportError as exc:
                error = exc
            delay = self._plan(retries, response, error, spec)
            if delay is None:
                if response is None:
                    assert error is not None
                    self._give_up(error, spec, retries + 1)
                return self._finish(response)
            if response is not None:
                await response.aclose()
            await self.sleep(delay)
            retries += 1

    async def close(self) -> None:
        if self.owns_http:
            await self.http.aclose()
