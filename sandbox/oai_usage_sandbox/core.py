"""The sandbox itself, free of any I/O: a request (method, path, query items, headers) in, a response out."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from .admin import AdminApi
from .admin import match as admin_route
from .aggregate import bucket_results, select
from .config import ADMIN_KEY_PREFIX, SandboxConfig
from .cursor import Cursor, decode, encode, fingerprint
from .directory import Directory, directory_for
from .endpoints import BY_PATH, WIDTH_SECONDS, Endpoint, Scalar
from .errors import ApiError, bad_param
from .faults import STATUS_FAULTS, FaultPicker, fault_response
from .org import Org, build_org
from .params import Query, parse
from .ratelimit import RateLimiter
from .rng import mix
from .shapes import legacy_admin, legacy_results, organization_id, refuse_legacy_group_by
from .traffic import DAY, HOUR, MINUTE, Window

_BEARER = re.compile(r"bearer\s+(\S+)", re.IGNORECASE)
_KEY_BODY = re.compile(r"[A-Za-z0-9_-]+")


def _auth_verdict(auth: str | None) -> str:
    """`missing`, `ok` (a bearer `sk-admin-` key with something after the prefix) or `invalid`."""
    if not auth:
        return "missing"
    match = _BEARER.fullmatch(auth.strip())
    if match is None:
        return "invalid"
    token = match.group(1)
    if not token.startswith(ADMIN_KEY_PREFIX) or not _KEY_BODY.fullmatch(token[len(ADMIN_KEY_PREFIX) :]):
        return "invalid"
    return "ok"


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
ENTRY_OVERHEAD = 512
"""Bytes charged per cached answer on top of its key and body: the tuples, the dict slot, the string headers."""
Answer = tuple[int, bytes, tuple[tuple[str, str], ...]]
CacheKey = tuple[str, str, tuple[tuple[str, str], ...], str]


def _entry_size(key: CacheKey, answer: Answer) -> int:
    """What an entry costs against the budget: every string of its key, its body and headers, plus a fixed overhead."""
    method, path, query, auth = key
    size = ENTRY_OVERHEAD + len(method) + len(path) + len(auth) + len(answer[1])
    size += sum(len(k) + len(v) + 64 for k, v in query)
    size += sum(len(k) + len(v) + 64 for k, v in answer[2])
    return size


class _AnswerCache:
    """Least-recently-used answers, bounded by what they hold (keys included, see `_entry_size`); thread-safe."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._items: OrderedDict[CacheKey, tuple[Answer, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes charged for the entries held now (never above the budget)."""
        return self._size

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: CacheKey) -> Answer | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            self._items.move_to_end(key)
            return entry[0]

    def put(self, key: CacheKey, answer: Answer) -> None:
        cost = _entry_size(key, answer)
        with self._lock:
            if key in self._items or cost > self._budget:
                return
            self._items[key] = (answer, cost)
            self._size += cost
            while self._size > self._budget:
                _, (_, evicted) = self._items.popitem(last=False)
                self._size -= evicted


@dataclass
class Sandbox:
    """Serves the Usage and Costs API over the synthetic organization of a config; one instance per server."""

    config: SandboxConfig = field(default_factory=SandboxConfig)
    answer_cache_bytes: int = ANSWER_CACHE_BYTES
    """Budget of the answer cache used when "now" is pinned (keys, bodies and headers all count)."""
    rate_clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    """Monotonic seconds for the rate limit's token buckets (a test steps it by hand)."""

    def __post_init__(self) -> None:
        self.org: Org = build_org(self.config.seed, self.config.scale)
        spikes: dict[Scalar, list[tuple[int, int]]] = {}
        for day, project, factor in self.config.spikes:
            spikes.setdefault(project, []).append((day, factor))
        self._spikes = {project: tuple(days) for project, days in spikes.items()}
        self.directory: Directory = directory_for(self.config.seed, self.config.scale)
        self._faults = FaultPicker(self.config)
        self._lock = threading.Lock()
        self._requests = 0
        self._answers = _AnswerCache(self.answer_cache_bytes)
        self.rates: RateLimiter | None = (
            RateLimiter(self.config.rate_limit, scope=self.config.rate_limit_scope, clock=self.rate_clock)
            if self.config.rate_limit
            else None
        )
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
        """Answer a request with its rate limit and fault injection applied: a request past the limit is refused
        (429), a status fault replaces the answer, a wire fault tags it."""
        verdict = self.rates.take(headers) if self.rates is not None else None
        if verdict is not None and not verdict.allowed:
            return self._refusal(429, [("content-type", "application/json"), *verdict.headers], verdict.body)
        limits = verdict.headers if verdict is not None else ()
        fault = self._faults.next()
        if fault is not None:
            with self._lock:
                self.faults_served[fault] += 1
        if fault in STATUS_FAULTS:
            status, hdrs, body = fault_response(fault, self.config.retry_after_seconds)
            return self._refusal(status, hdrs, body)
        response = self.handle(method, path, query, headers)
        response.headers.extend(limits)
        response.fault = fault
        return response

    def _refusal(self, status: int, headers: list[tuple[str, str]], body: bytes) -> SandboxResponse:
        """An answer made before the request is looked at (past the rate limit, an injected fault): with its
        request id and the sandbox's `Date`, as every answer has."""
        stamp = ("x-request-id", self._request_id()), date_header(self.config.current_time())
        return SandboxResponse(status, [*headers, *stamp], body)

    def handle(
        self, method: str, path: str, query: Sequence[tuple[str, str]], headers: Mapping[str, str]
    ) -> SandboxResponse:
        """Answer a request as the real API would, without faults; its `Date` header is the sandbox's own now."""
        lowered = {k.lower(): v for k, v in headers.items()}
        now = self.config.current_time()  # one reading per request: the data and the Date header agree
        # With "now" pinned an answer depends only on the request, so repeated requests (benchmark rounds,
        # a resumed fetch) are served from a small cache instead of being generated again. The answer depends on
        # the Authorization header only through its verdict, so the key holds the verdict, never the key itself.
        key: CacheKey | None = None
        if self.config.now is not None:
            key = (method, path, tuple(query), _auth_verdict(lowered.get("authorization")))
        cached = self._answers.get(key) if key is not None else None
        if cached is None:
            extra: list[tuple[str, str]] = []
            try:
                body = self._dispatch(method, path, query, lowered, extra, now)
                status = 200
            except ApiError as err:
                body = err.body()
                status = err.status
            cached = (status, json.dumps(body, separators=(",", ":")).encode(), tuple(extra))
            if key is not None:
                self._answers.put(key, cached)
        status, data, extra_headers = cached
        hdrs = [
            ("content-type", "application/json"),
            ("x-request-id", self._request_id()),
            date_header(now),
            *extra_headers,
        ]
        return SandboxResponse(status, hdrs, data)

    def _dispatch(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        extra: list[tuple[str, str]],
        now: int,
    ) -> dict[str, Any]:
        route = path[3:] if path == "/v1" or path.startswith("/v1/") else path
        endpoint = BY_PATH.get(route)
        admin = admin_route(route) if endpoint is None else None
        if endpoint is None and admin is None:
            raise ApiError(404, f"Invalid URL ({method} {path})")
        if method.upper() != "GET":
            extra.append(("allow", "GET"))
            raise ApiError(405, f"Invalid method for URL ({method} {path})")
        self._authorize(headers)
        if endpoint is None:
            assert admin is not None
            api = AdminApi(self.directory, self.config.seed, now, dict(self.config.project_limits))
            answer = api.answer(admin[0], admin[1], query, self.config.forbidden_operations)
            return legacy_admin(answer) if self.config.shape == "legacy" else answer
        parsed = parse(endpoint, query)
        if self.config.shape == "legacy":
            refuse_legacy_group_by(endpoint, parsed.group_by)
        return self.page(endpoint, parsed, now=now)

    @staticmethod
    def _authorize(headers: Mapping[str, str]) -> None:
        verdict = _auth_verdict(headers.get("authorization"))
        if verdict == "missing":
            raise ApiError(
                401,
                "You didn't provide an API key. Provide an Admin API key as 'Authorization: Bearer sk-admin-...'.",
                code="missing_api_key",
            )
        if verdict != "ok":
            raise ApiError(
                401, "Incorrect API key provided. Usage endpoints need an Admin API key.", code="invalid_api_key"
            )

    def page(self, endpoint: Endpoint, query: Query, *, now: int | None = None) -> dict[str, Any]:
        """One page of buckets for a validated query.

        Usage buckets start at `start_time` rounded down to the minute, as the live API's do (a partial first bucket
        when that is unaligned), and the last one ends at
        `min(end_time, now)`; costs buckets are whole UTC days covering the range, the first from the midnight at or
        before `start_time`. A cursor pins the end the first page resolved.
        """
        cfg = self.config
        now = cfg.current_time() if now is None else now
        width = WIDTH_SECONDS[query.width]
        fp = fingerprint(query.identity(endpoint))
        first_start, range_end = _range(endpoint, query, now)
        if query.page is not None:
            cur = decode(query.page, fp)
            # Only a cursor this query could have produced: aligned, inside the asked range, ending no later than the
            # range does now. Anything else (a forged cursor with a valid fingerprint) would serve foreign buckets.
            if not (first_start < cur.next_start < cur.end <= range_end and cur.next_start % width == 0):
                raise bad_param("page", "Invalid value for 'page': not a cursor returned for this query.")
            start, end = cur.next_start, cur.end
        else:
            start, end = first_start, range_end
        if endpoint.is_costs:
            window = Window.for_now(now, cfg.history_days, cfg.costs_revision_hours * HOUR, HOUR)
        else:
            window = Window.for_now(now, cfg.history_days, cfg.usage_revision_minutes * MINUTE, MINUTE)
        streams = select(self.org.streams[endpoint.name], query.filters)
        data: list[dict[str, Any]] = []
        org_id = organization_id(cfg.seed)
        s = start
        while s < end and len(data) < query.limit:
            e = min((s // width + 1) * width, end)
            results = bucket_results(endpoint, self.org, streams, window, s, e, query.group_by, self._spikes)
            if endpoint.is_costs:  # the live API names the organization on every costs result
                results = [{**row, "organization_id": org_id} for row in results]
            if cfg.shape == "legacy":
                results = legacy_results(endpoint, results)
            data.append({"object": "bucket", "start_time": s, "end_time": e, "results": results})
            s = e
        has_more = s < end
        next_page = encode(Cursor(s, end, fp)) if has_more else None
        return {"object": "page", "data": data, "has_more": has_more, "next_page": next_page}


def date_header(now: int) -> tuple[str, str]:
    """The `Date` header (RFC 9110 IMF-fixdate) for the sandbox's now, pinned or not."""
    return ("date", formatdate(now, usegmt=True))


def _range(endpoint: Endpoint, query: Query, now: int) -> tuple[int, int]:
    """Start of the first bucket and end of the last for a first page; an empty range has end <= start.

    Usage: [start_time rounded down to the minute, min(end_time, now)). Costs: whole UTC days covering
    [start_time, end_time or now).
    """
    if endpoint.is_costs:
        asked_end = query.end if query.end is not None else now
        if query.start >= asked_end:
            return query.start, query.start
        return query.start // DAY * DAY, -(-asked_end // DAY) * DAY
    end = now if query.end is None else min(query.end, now)
    if query.start >= end:
        return query.start, end
    return query.start // MINUTE * MINUTE, end
