"""A fake Usage API for pytest-httpx callbacks: answers any range, limit and cursor like the real one.

Buckets are cut as the API cuts them (a partial first bucket for an unaligned start, then aligned buckets up
to `end_time`, or up to its `now` when there is none); each holds one completions result whose numbers depend
only on the bucket, so a bucket is the same whichever request it came from. `cap` lowers the buckets per
page below the requested limit (a server that pages more finely). `fail` decides, per request, to answer
with an error status instead. Like the real API, every answer states the server's `now` in a `Date` header;
by default that is the wall clock, which every test pins (`tests/conftest.py`).
"""

from __future__ import annotations

import email.utils
import math
import threading
from collections.abc import Callable
from typing import Any

import httpx
import oai_usage.clock

from tests.overlay.payloads import completions_result, page

Failure = Callable[[httpx.Request, int], int | None]  # (request, request number) -> error status or None


class FakeUsageAPI:
    def __init__(
        self, width: int, *, cap: int | None = None, fail: Failure | None = None, now: int | None = None
    ) -> None:
        self.width = width
        self.cap = cap
        self.fail = fail
        self.now = now if now is not None else math.ceil(oai_usage.clock.system_time())  # the pinned wall clock
        self.requests: list[httpx.Request] = []
        self.served = 0  # successful answers
        self._lock = threading.Lock()

    def bucket(self, start: int, end: int) -> dict[str, Any]:
        key = start // 60
        result = completions_result(input_tokens=key % 100_003, output_tokens=key % 977, model=f"m-{key % 3}")
        return {"object": "bucket", "start_time": start, "end_time": end, "results": [result]}

    def buckets(self, start: int, end: int) -> list[dict[str, Any]]:
        out = []
        edge = start - start % self.width + self.width
        while start < end:
            stop = min(edge, end)
            out.append(self.bucket(start, stop))
            start, edge = stop, stop + self.width
        return out

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            number = len(self.requests)
        params = request.url.params
        status = self.fail(request, number) if self.fail else None
        if status is not None:
            error = {"error": {"message": "injected", "type": "server_error"}}
            return httpx.Response(status, json=error, headers=self.headers())
        start = int(params["start_time"])
        end = int(params["end_time"]) if "end_time" in params else self.now
        if "page" in params:
            start = int(params["page"].removeprefix("cur_"))
        per_page = min(int(params["limit"]), self.cap or 10**9)
        data = self.buckets(start, end)[:per_page]
        following = data[-1]["end_time"] if data else end
        cursor = f"cur_{following}" if following < end else None
        with self._lock:
            self.served += 1
        return httpx.Response(200, json=page(data, cursor), headers=self.headers())

    def headers(self) -> dict[str, str]:
        """What every answer carries besides its body: the server's now, as the real API's `Date` header."""
        return {"Date": email.utils.formatdate(self.now, usegmt=True)}
