"""One measured case, run in its own process: `python -m bench.cases CASE SCENARIO BASE_URL` prints JSON.

Each case fetches the scenario's whole range and consumes every result once, counting requests with an
httpx event hook. The wall time covers the fetch only (not interpreter start-up or imports); the peak RSS is
the process's own (VmHWM on Linux), with the peak after imports given as the baseline.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bench.rss import peak_rss_mb
from bench.scenarios import SCENARIOS, Scenario

KEY = "sk-admin-bench-000000000000000000000000"
CONCURRENCY = 8  # oai-usage's default, and the floor's


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Counter:
    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, request: Any) -> None:
        self.requests += 1


def ours(url: str, scenario: Scenario, counter: Counter, *, concurrency: int | None, rows: bool) -> tuple[int, int]:
    from oai_usage import UsageClient

    http = httpx.Client(event_hooks={"request": [counter]}, timeout=60)
    options: dict[str, Any] = {} if concurrency is None else {"max_concurrency": concurrency}
    with UsageClient(KEY, base_url=url, http_client=http, **options) as client:
        q = client.completions(**scenario.params())
        if rows:
            count = sum(1 for _ in q.rows())
            return -1, count
        buckets = results = 0
        for bucket in q:
            buckets += 1
            results += len(bucket.results)
        return buckets, results


def sdk(url: str, scenario: Scenario, counter: Counter, *, limit: int | None) -> tuple[int, int]:
    import openai

    http = openai.DefaultHttpxClient(event_hooks={"request": [counter]})
    client = openai.OpenAI(api_key="sk-unused", admin_api_key=KEY, base_url=url, http_client=http)
    params = scenario.params()
    if limit is not None:
        params["limit"] = limit
    usage = client.admin.organization.usage
    buckets = results = 0
    page = usage.completions(**params)
    while True:
        for bucket in page.data:
            buckets += 1
            results += len(bucket.results)
        if not page.has_more or not page.next_page:
            break
        page = usage.completions(**params, page=page.next_page)
    return buckets, results


def floor(url: str, scenario: Scenario, counter: Counter) -> tuple[int, int]:
    """Raw httpx + json.loads, the same one-page windows and concurrency as oai-usage: the cost of the bytes."""
    from oai_usage.endpoints import COMPLETIONS
    from oai_usage.validation import validate
    from oai_usage.windows import plan_windows

    query = validate(COMPLETIONS, scenario.params())
    http = httpx.Client(event_hooks={"request": [counter]}, timeout=60)
    headers = {"Authorization": f"Bearer {KEY}"}

    def fetch(window: Any) -> tuple[int, int]:
        params: dict[str, Any] = {**query.params, "start_time": window.start, "end_time": window.end}
        buckets = results = 0
        while True:
            body = json.loads(http.get(f"{url}/organization/usage/completions", params=params, headers=headers).content)
            for bucket in body["data"]:
                buckets += 1
                results += len(bucket["results"])
            if not body["has_more"]:
                return buckets, results
            params["page"] = body["next_page"]

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        parts = list(pool.map(fetch, plan_windows(query, time.time())))
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


CASES: dict[str, Callable[[str, Scenario, Counter], tuple[int, int]]] = {
    "oai-usage (default, 8 windows)": lambda u, s, c: ours(u, s, c, concurrency=None, rows=False),
    "oai-usage rows (default)": lambda u, s, c: ours(u, s, c, concurrency=None, rows=True),
    "oai-usage (concurrency 1)": lambda u, s, c: ours(u, s, c, concurrency=1, rows=False),
    "openai SDK, default limit": lambda u, s, c: sdk(u, s, c, limit=None),
    "openai SDK, best limit": lambda u, s, c: sdk(u, s, c, limit=s.max_limit),
    "floor: httpx + json.loads (8 windows)": floor,
}


def main() -> None:
    case, scenario_name, url = sys.argv[1:4]
    scenario = SCENARIOS[scenario_name]
    run = CASES[case]
    import oai_usage  # imports before the baseline and the clock: not part of the fetch

    for name in oai_usage.__all__:  # the package loads its modules on first use (PEP 562): load them all now
        getattr(oai_usage, name)

    if case.startswith("openai"):
        import openai  # noqa: F401

    baseline = peak_rss_mb()
    counter = Counter()
    cpu_before = _cpu()
    started = time.perf_counter()
    buckets, rows = run(url, scenario, counter)
    wall = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    print(
        json.dumps(
            {
                "wall": wall,
                "requests": counter.requests,
                "buckets": buckets,
                "rows": rows,
                "cpu": cpu,
                "peak_rss_mb": peak_rss_mb(),
                "baseline_rss_mb": baseline,
            }
        )
    )


if __name__ == "__main__":
    main()
