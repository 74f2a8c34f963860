"""`UsageClient` and `AsyncUsageClient`: one method per endpoint, each returning a lazy query.

The per-endpoint methods are generated from the registry (`methods.py`, by tools/gen_methods.py); this module
holds what is written by hand: the transports, `query(name, ...)` and `_query`.

Both resolve their settings the same way (`settings.Settings.resolve`), check arguments the same way
(`validation`) and page the same way (`pagination.PageLoop`); they differ only in the httpx client and the query
type.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from . import endpoints as ep
from .clock import LocalClock, ServerClock
from .deadline import DeadlineTransport
from .directory import Directory, abuild, build
from .errors import APIError, AuthenticationError, PermissionDeniedError
from .limiter import pacer_for
from .list_methods import AsyncListMethods, ListMethods
from .methods import AsyncMethods, SyncMethods
from .query import AsyncQuery, Query
from .settings import Settings, check_http
from .transport import DEFAULT_MAX_RESPONSE_BYTES, AsyncTransport, RequestSpec, SyncTransport, default_ssl_context
from .validation import validate

__all__ = ["DEFAULT_CONCURRENCY", "AsyncUsageClient", "UsageClient", "no_cookies"]

B = TypeVar("B")

DEFAULT_CONCURRENCY = 8  # one-page windows of a long range fetched at once; a 429 lowers it for the fetch


def no_cookies() -> CookieJar:
    """A cookie jar that stores nothing and so sends nothing: an API client keeps no server state."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class _ClientBase:
    _settings: Settings
    _clock: ServerClock

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def organization(self) -> str | None:
        return self._settings.credentials.organization

    @property
    def project(self) -> str | None:
        return self._settings.credentials.project

    @property
    def timeout(self) -> httpx.Timeout:
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        return self._settings.policy.max_retries

    @property
    def max_concurrency(self) -> int:
        return self._settings.max_concurrency

    @property
    def max_response_bytes(self) -> int:
        """The cap on one response body, decompressed (a bigger one is a DecodeError)."""
        return self._settings.max_response_bytes

    @property
    def clock(self) -> ServerClock:
        """The client's "now": the local clock (`clock=`) corrected by the `Date` header of the latest response."""
        return self._clock

    def now(self) -> datetime:
        """The server's "now" as far as this client knows (UTC): before any response, the local clock."""
        return datetime.fromtimestamp(self._clock.now(), UTC)

    def _clock_probe(self) -> RequestSpec:
        """The lightest request that makes the server state its time: yesterday's costs, one bucket."""
        costs = ep.get_endpoint("costs")
        day = 86400
        start = int(self._clock.local()) // day * day - day
        return costs.request(validate(costs, {"start_time": start, "limit": 1}).params, None)

    def _probe_failed(self, error: APIError) -> None:
        """A probe's error matters only when it is the key's fault, or when no answer said what time it is."""
        if isinstance(error, AuthenticationError | PermissionDeniedError) or not self._clock.observed:
            raise error

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, organization={self.organization!r}, "
            f"project={self.project!r}, key={self._settings.credentials.key.masked!r})"
        )


class UsageClient(SyncMethods, ListMethods, _ClientBase):
    """Synchronous client for the organization Usage and Costs APIs.

    `admin_key` defaults to OPENAI_ADMIN_KEY, `base_url` to OPENAI_BASE_URL or the public API, `organization` and
    `project` to OPENAI_ORG_ID / OPENAI_PROJECT_ID. `timeout` (seconds or an `httpx.Timeout`) defaults to 60 s
    with 5 s to connect; there is always one. `max_retries` (default 2) applies to each request. `max_pages` caps
    the pages of one query (default: as many as the range has buckets). `max_concurrency` (default 8) is how many
    one-page windows of a long range are fetched at once (1: one page after the other; see
    `Query.with_concurrency`). An injected `http_client` is used as is
    (its transport, proxies, ...), gets the auth headers on every request, and is not closed by `close()`.
    `transport` (an `httpx.BaseTransport`, e.g. `oai_usage_sandbox.SandboxTransport` or `httpx.MockTransport`)
    instead goes inside the httpx client the library builds and owns: `close()` closes both.
    `sleep` replaces `time.sleep` between retries (tests, progress reporting). A plain `http://` base URL is
    refused unless it points at this machine or `allow_insecure_http=True`: the key would travel in the clear.
    `max_response_bytes` (default 64 MiB) caps a response body, decompressed: past it, a `DecodeError`. Each
    attempt must also finish within the connect plus the read timeout. No cookies are kept (an injected client
    keeps its own cookie policy). `clock` (a function giving Unix seconds, default `time.time`) is the only
    wall clock the client reads; "now" is that clock corrected by the server's `Date` headers (`client.now()`).
    """

    def __init__(
        self,
        admin_key: str | None = None,
        *,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_pages: int | None = None,
        allow_insecure_http: bool = False,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        sleep: Callable[[float], None] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: LocalClock | None = None,
    ) -> None:
        check_http(http_client, transport, httpx.Client, httpx.BaseTransport)
        self._settings = Settings.resolve(
            admin_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=timeout,
            max_retries=max_retries,
            max_pages=max_pages,
            max_concurrency=max_concurrency,
            http_client=http_client,
            allow_insecure_http=allow_insecure_http,
            max_response_bytes=max_response_bytes,
        )
        self._clock = ServerClock(clock)
        http = (
            http_client
            if http_client is not None
            else httpx.Client(
                timeout=self._settings.timeout,
                verify=default_ssl_context(),
                cookies=no_cookies(),
                transport=transport if transport is not None else DeadlineTransport(verify=default_ssl_context()),
            )
        )
        self._transport = SyncTransport(
            http,
            owns_http=http_client is None,
            credentials=self._settings.credentials,
            base_url=self._settings.base_url,
            timeout=self._settings.timeout,
            policy=dataclasses.replace(self._settings.policy, clock=self._clock.now),  # Retry-After dates: server time
            server_clock=self._clock,
            pacer=pacer_for(self._settings.base_url, self._settings.credentials.key.get_secret_value()),
            sleep=sleep or time.sleep,
            max_response_bytes=self._settings.max_response_bytes,
        )

        self._directory: Directory | None = None
        self._directory_lock = threading.Lock()

    def directory(self, *, refresh: bool = False) -> Directory:
        """Names for the organization's project, API key and user IDs: built once (the lists fetched side by side)
        and cached for the life of the client (`refresh=True` fetches again). A list the key may not read (403)
        leaves its names empty with one warning; see `oai_usage.Directory`."""
        with self._directory_lock:
            if self._directory is None or refresh:
                self._directory = build(
                    lambda name, **params: self._list(name, params).to_list(), concurrency=self.max_concurrency
                )
            return self._directory

    def sync_clock(self) -> datetime:
        """The server's now, learned first when no response has stated it yet (one light request: yesterday's
        costs). Ranges such as "the last 30 days" are best counted from it: the server clips data at its own now."""
        if not self._clock.observed:
            try:
                self._transport.send(self._clock_probe())
            except APIError as error:
                self._probe_failed(error)
        return self.now()

    def close(self) -> None:
        """Close the HTTP client, unless it was injected."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _query(self, endpoint: ep.Endpoint[B], params: Mapping[str, object]) -> Query[B]:
        return Query(
            validate(endpoint, params),
            self._transport,
            max_pages=self._settings.max_pages,
            max_concurrency=self._settings.max_concurrency,
        )

    def query(self, endpoint: str, **params: Any) -> Query[Any]:
        """The query for an endpoint named at run time, e.g. `client.query("costs", start_time=...)`."""
        return self._query(ep.get_endpoint(endpoint), params)


class AsyncUsageClient(AsyncMethods, AsyncListMethods, _ClientBase):
    """Asynchronous client: as `UsageClient`, with an `httpx.AsyncClient` and `async for` over the queries.

    `sleep` replaces `asyncio.sleep` between retries; `transport` is an `httpx.AsyncBaseTransport`.
    """

    def __init__(
        self,
        admin_key: str | None = None,
        *,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_pages: int | None = None,
        allow_insecure_http: bool = False,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: LocalClock | None = None,
    ) -> None:
        check_http(http_client, transport, httpx.AsyncClient, httpx.AsyncBaseTransport)
        self._settings = Settings.resolve(
            admin_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=timeout,
            max_retries=max_retries,
            max_pages=max_pages,
            max_concurrency=max_concurrency,
            http_client=http_client,
            allow_insecure_http=allow_insecure_http,
            max_response_bytes=max_response_bytes,
        )
        self._clock = ServerClock(clock)
        http = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(
                timeout=self._settings.timeout, verify=default_ssl_context(), cookies=no_cookies(), transport=transport
            )
        )
        self._transport = AsyncTransport(
            http,
            owns_http=http_client is None,
            credentials=self._settings.credentials,
            base_url=self._settings.base_url,
            timeout=self._settings.timeout,
            policy=dataclasses.replace(self._settings.policy, clock=self._clock.now),  # Retry-After dates: server time
            server_clock=self._clock,
            pacer=pacer_for(self._settings.base_url, self._settings.credentials.key.get_secret_value()),
            sleep=sleep or asyncio.sleep,
            max_response_bytes=self._settings.max_response_bytes,
        )

        self._directory: Directory | None = None
        self._directory_lock = asyncio.Lock()

    async def directory(self, *, refresh: bool = False) -> Directory:
        """As `UsageClient.directory`: built once (the lists fetched concurrently) and cached for the client's life."""
        async with self._directory_lock:
            if self._directory is None or refresh:
                self._directory = await abuild(
                    lambda name, **params: self._list(name, params).to_list(), concurrency=self.max_concurrency
                )
            return self._directory

    async def sync_clock(self) -> datetime:
        """As `UsageClient.sync_clock`: the server's now, learned with one light request if no response told it."""
        if not self._clock.observed:
            try:
                await self._transport.send(self._clock_probe())
            except APIError as error:
                self._probe_failed(error)
        return self.now()

    async def close(self) -> None:
        """Close the HTTP client, unless it was injected."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    def _query(self, endpoint: ep.Endpoint[B], params: Mapping[str, object]) -> AsyncQuery[B]:
        return AsyncQuery(
            validate(endpoint, params),
            self._transport,
            max_pages=self._settings.max_pages,
            max_concurrency=self._settings.max_concurrency,
        )

    def query(self, endpoint: str, **params: Any) -> AsyncQuery[Any]:
        """The query for an endpoint named at run time, e.g. `client.query("costs", start_time=...)`."""
        return self._query(ep.get_endpoint(endpoint), params)
