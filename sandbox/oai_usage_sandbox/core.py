"""The sandbox itself, free of any I/O: a request (method, path, query items, headers) in, a response out."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .aggregate import bucket_results, select
from .config import ADMIN_KEY_PREFIX, SandboxConfig
from .cursor import Cursor, decode, encode, fingerprint
from .endpoints import BY_PATH, WIDTH_SECONDS, Endpoint
from .errors import ApiError, bad_param
from .faults import STATUS_FAULTS, FaultPicker, fault_response
from .org import Org, build_org
from .params import Query, parse
from .rng import mix
from .traffic import Window

_BEARER = re.compile(r"bearer\s+(\S+)", re.IGNORECASE)
WIRE_FAULTS = ("drop", "slow", "truncate")


@dataclass
class SandboxResponse:
    """An HTTP response; `fault` names a connection-level fault (drop, slow, truncate) for the transport to act out."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fault: str | None = None

    def header(self, name: str) -> str | None:
        """First value of a header, case-insensitively."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


ANSWER_CACHE_BYTES = 64 * 1024 * 1024
Answer = tuple[int, bytes, tuple[tuple[str, str], ...]]


class _AnswerCache:
    """Least-recently-used answers, bounded by their total body size; thread-safe."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._items: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        with self._lock:
            if key in self._items or len(answer[1]) > self._budget:
                return
            self._items[key] = answer
            self._size += len(answer[1])
            while self._size > self._budget:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted[1])


@dataclass
class Sandbox:
    """Serves the Usage and Costs API over the synthetic organization of a config; one instance per server."""

    config: SandboxConfig = field(default_factory=SandboxConfig)

    def __post_init__(self) -> None:
        self.org: Org = build_org(self.config.seed, self.config.scale)
        self._faults = FaultPicker(self.config)
        self._lock = threading.Lock()
        self._requests = 0
        self._answers = _AnswerCache(ANSWER_CACHE_BYTES)
        self.faults_served: Counter[str] = Counter()
        """How many of each fault this instance has injected (soak reports read it)."""

    def _request_id(self) -> str:
        with self._lock:
            n = self._requests
            self._requests += 1
        return f"req_{mix(self.config.seed, 0x1D, n):016x}"

    def serve(
        self, method: str, path: str, query: Sequence[tuple[str, str]], headers: Mapping[str, str]
    ) -> SandboxResponse:
        """Answer a request with fault injection applied: a status fault replaces the answer, a wire fault tags it."""
        fault = self._faults.next()
        if fault is not None:
            with self._lock:
                self.faults_served[fault] += 1
        if fault in STATUS_FAULTS:
            status, hdrs, body = fault_response(fault, self.config.retry_after_seconds)
            return SandboxResponse(status, [*hdrs, ("x-request-id", self._request_id())], body)
        response = self.handle(method, path, query, headers)
        response.fault = fault
        return response

    def handle(
        self, method: str, path: str, query: Sequence[tuple[str, str]], headers: Mapping[str, str]
    ) -> SandboxResponse:
        """Answer a request as the real API would, without faults."""
        lowered = {k.lower(): v for k, v in headers.items()}
        # With "now" pinned an answer depends only on the request, so repeated requests (benchmark rounds,
        # a resumed fetch) are served from a small cache instead of being generated again.
        key = (method, path, tuple(query), lowered.get("authorization")) if self.config.now is not None else None
        cached = self._answers.get(key) if key is not None else None
        if cached is None:
            extra: list[tuple[str, str]] = []
            try:
                body = self._dispatch(method, path, query, lowered, extra)
                status = 200
            except ApiError as err:
                body = err.body()
                status = err.status
            cached = (status, json.dumps(body, separators=(",", ":")).encode(), tuple(extra))
            if key is not None:
                self._answers.put(key, cached)
        status, data, extra_headers = cached
        hdrs = [("content-type", "application/json"), ("x-request-id", self._request_id()), *extra_headers]
        return SandboxResponse(status, hdrs, data)

    def _dispatch(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        extra: list[tuple[str, str]],
    ) -> dict[str, Any]:
        route = path[3:] if path == "/v1" or path.startswith("/v1/") else path
        endpoint = BY_PATH.get(route)
        if endpoint is None:
            raise ApiError(404, f"Invalid URL ({method} {path})")
        if method.upper() != "GET":
            extra.append(("allow", "GET"))
            raise ApiError(405, f"Invalid method for URL ({method} {path})")
        self._authorize(headers)
        return self.page(endpoint, parse(endpoint, query))

    @staticmethod
    def _authorize(headers: Mapping[str, str]) -> None:
        auth = headers.get("authorization")
        if not auth:
            raise ApiError(
                401,
                "You didn't provide an API key. Provide an Admin API key as 'Authorization: Bearer sk-admin-...'.",
                code="missing_api_key",
            )
        match = _BEARER.fullmatch(auth.strip())
        if match is None or not match.group(1).startswith(ADMIN_KEY_PREFIX):
            raise ApiError(
                401, "Incorrect API key provided. Usage endpoints need an Admin API key.", code="invalid_api_key"
            )

    def page(self, endpoint: Endpoint, query: Query) -> dict[str, Any]:
        """One page of buckets for a validated query."""
        now = self.config.current_time()
        fp = fingerprint(query.identity(endpoint))
        if query.page is not None:
            cur = decode(query.page, fp)
            if not query.start < cur.next_start < cur.end:
                raise bad_param("page", "Invalid value for 'page': not a cursor returned for this query.")
            start, end = cur.next_start, cur.end
        else:
            start = query.start
            # A start at or after "now" with no end_time is an empty range: an empty last page, not an error.
            end = query.end if query.end is not None else now
        width = WIDTH_SECONDS[query.width]
        window = Window.for_now(now, self.config.history_days)
        streams = select(self.org.streams[endpoint.name], query.filters)
        data: list[dict[str, Any]] = []
        s = start
        while s < end and len(data) < query.limit:
            e = (s // width + 1) * width
            results = bucket_results(endpoint, self.org, streams, window, s, min(e, end), query.group_by)
            data.append({"object": "bucket", "start_time": s, "end_time": e, "results": results})
            s = e
        has_more = s < end
        next_page = encode(Cursor(s, end, fp)) if has_more else None
        return {"object": "page", "data": data, "has_more": has_more, "next_page": next_page}
