"""Decode time of one maximal page (1440 one-minute buckets), from the same bytes, for each decoder."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench.scenarios import NOW

KEY = "sk-admin-bench-000000000000000000000000"


def page_bytes(url: str) -> bytes:
    params: dict[str, Any] = {
        "start_time": NOW - 86400,
        "end_time": NOW,
        "bucket_width": "1m",
        "limit": 1440,
        "group_by": ["model", "project_id"],
    }
    response = httpx.get(
        f"{url}/organization/usage/completions", params=params, headers={"Authorization": f"Bearer {KEY}"}
    )
    response.raise_for_status()
    return response.content


def _best_ms(work: Callable[[], object], repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times) * 1000.0


def measure(raw: bytes) -> dict[str, Any]:
    """Milliseconds (best of 15) for each decoder, each starting from the raw bytes."""
    from oai_usage.body import parse_json
    from oai_usage.decode import decode_page, decode_rows_page
    from oai_usage.endpoints import COMPLETIONS
    from openai._models import construct_type
    from openai.types.admin.organization.usage_completions_response import UsageCompletionsResponse

    body = json.loads(raw)
    buckets = len(body["data"])
    results = sum(len(b["results"]) for b in body["data"])

    def rows(parse: Callable[[bytes], Any] = json.loads) -> list[dict[str, Any]]:
        return [row for b in decode_rows_page(COMPLETIONS, parse(raw)).data for row in b.rows]

    timings = {
        "json.loads alone": _best_ms(lambda: json.loads(raw)),
        "oai-usage typed buckets": _best_ms(lambda: decode_page(COMPLETIONS, json.loads(raw))),
        "oai-usage rows": _best_ms(rows),
        # what the client does: msgspec parses when installed (oai-usage[fast]); json.loads otherwise
        "oai-usage rows, parsed as the client parses": _best_ms(lambda: rows(parse_json)),
        "openai SDK models (as the SDK builds them)": _best_ms(
            lambda: construct_type(type_=UsageCompletionsResponse, value=json.loads(raw))
        ),
        "openai SDK models, validated (model_validate)": _best_ms(
            lambda: UsageCompletionsResponse.model_validate(json.loads(raw))
        ),
    }
    return {
        "buckets": buckets,
        "results": results,
        "bytes": len(raw),
        "ms": timings,
        "spread": statistics.pstdev(timings.values()),
    }
