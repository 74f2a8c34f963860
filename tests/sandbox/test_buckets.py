"""Bucket edges per endpoint: usage from start_time to min(end_time, now), costs in whole UTC days; empty buckets."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from oai_usage_sandbox import Sandbox
from oai_usage_sandbox.endpoints import ENDPOINTS, limits_for

from .conftest import DAY, NOW, TODAY, ok, usage

COSTS = "/v1/organization/costs"


def spend(buckets: list[dict[str, Any]]) -> float:
    return float(sum(r["amount"]["value"] for b in buckets for r in b["results"]))


def test_buckets_align_to_utc_day_boundaries(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("embeddings"), [("start_time", TODAY - 3 * DAY), ("end_time", TODAY)])
    assert [(b["start_time"], b["end_time"]) for b in page["data"]] == [
        (TODAY - 3 * DAY, TODAY - 2 * DAY),
        (TODAY - 2 * DAY, TODAY - DAY),
        (TODAY - DAY, TODAY),
    ]


def test_unaligned_start_gives_partial_first_bucket(sandbox: Sandbox) -> None:
    start = TODAY - 2 * DAY + 4980  # on a whole minute
    page = ok(sandbox, usage("embeddings"), [("start_time", start), ("end_time", TODAY)])
    assert (page["data"][0]["start_time"], page["data"][0]["end_time"]) == (start, TODAY - DAY)
    assert page["data"][1]["start_time"] == TODAY - DAY


def test_partial_first_hour_bucket_ends_at_the_next_hour(sandbox: Sandbox) -> None:
    start = TODAY - DAY + 3600 * 5 + 61
    page = ok(sandbox, usage("completions"), [("start_time", start), ("bucket_width", "1h"), ("limit", 2)])
    assert page["data"][0]["end_time"] == TODAY - DAY + 3600 * 6
    assert page["data"][1]["start_time"] == TODAY - DAY + 3600 * 6


def test_partial_bucket_counts_only_the_requested_part(sandbox: Sandbox) -> None:
    day = TODAY - DAY
    full = ok(sandbox, usage("completions"), [("start_time", day), ("end_time", day + DAY)])
    half = ok(sandbox, usage("completions"), [("start_time", day + DAY // 2), ("end_time", day + DAY)])
    first = ok(sandbox, usage("completions"), [("start_time", day), ("end_time", day + DAY // 2)])
    n = "num_model_requests"
    total = sum(r[n] for r in full["data"][0]["results"])
    assert sum(r[n] for r in half["data"][0]["results"]) + sum(r[n] for r in first["data"][0]["results"]) == total


def test_buckets_before_history_are_empty(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", 0), ("end_time", 3 * DAY)])
    assert [b["results"] for b in page["data"]] == [[], [], []]


def test_omitted_end_time_ends_the_last_bucket_at_now(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("moderations"), [("start_time", TODAY - 2 * DAY)])
    assert (page["data"][-1]["start_time"], page["data"][-1]["end_time"]) == (TODAY, NOW)
    assert page["has_more"] is False


def test_end_time_inside_a_bucket_ends_the_last_bucket_there(sandbox: Sandbox) -> None:
    end = TODAY - DAY + 3600 * 5 + 1234
    page = ok(sandbox, usage("embeddings"), [("start_time", TODAY - 3 * DAY), ("end_time", end)])
    assert (page["data"][-1]["start_time"], page["data"][-1]["end_time"]) == (TODAY - DAY, end)


def test_end_time_after_now_ends_the_last_bucket_at_now(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", TODAY - DAY), ("end_time", TODAY + 5 * DAY)])
    assert [(b["start_time"], b["end_time"]) for b in page["data"]] == [(TODAY - DAY, TODAY), (TODAY, NOW)]


def test_costs_unaligned_start_bills_the_whole_first_day(sandbox: Sandbox) -> None:
    start = TODAY - 3 * DAY + 17 * 3600 + 31 * 60  # 17:31
    page = ok(sandbox, COSTS, [("start_time", start), ("end_time", TODAY)])
    aligned = ok(sandbox, COSTS, [("start_time", TODAY - 3 * DAY), ("end_time", TODAY)])
    assert (page["data"][0]["start_time"], page["data"][0]["end_time"]) == (TODAY - 3 * DAY, TODAY - 2 * DAY)
    assert page["data"] == aligned["data"]


def test_costs_total_over_whole_days_is_the_sum_of_the_daily_buckets(sandbox: Sandbox) -> None:
    start, days = TODAY - 9 * DAY + 12 * 3600, 6  # noon: the first day still counts whole
    whole = ok(sandbox, COSTS, [("start_time", start), ("end_time", start + days * DAY - 12 * 3600)])
    daily = [
        ok(sandbox, COSTS, [("start_time", TODAY - (9 - d) * DAY), ("end_time", TODAY - (8 - d) * DAY)])
        for d in range(days)
    ]
    assert len(whole["data"]) == days
    assert spend(whole["data"]) == pytest.approx(sum(spend(p["data"]) for p in daily), rel=1e-12)
    assert [b for p in daily for b in p["data"]] == whole["data"]


def test_costs_end_inside_a_day_covers_that_whole_day(sandbox: Sandbox) -> None:
    page = ok(sandbox, COSTS, [("start_time", TODAY - 2 * DAY), ("end_time", TODAY - DAY + 60)])
    assert [(b["start_time"], b["end_time"]) for b in page["data"]] == [
        (TODAY - 2 * DAY, TODAY - DAY),
        (TODAY - DAY, TODAY),
    ]


def test_costs_without_end_time_end_with_the_whole_current_day(sandbox: Sandbox) -> None:
    page = ok(sandbox, COSTS, [("start_time", TODAY - DAY + 99)])
    assert [(b["start_time"], b["end_time"]) for b in page["data"]] == [(TODAY - DAY, TODAY), (TODAY, TODAY + DAY)]


def test_costs_start_at_or_after_now_without_end_time_is_empty(sandbox: Sandbox) -> None:
    page = ok(sandbox, COSTS, [("start_time", NOW)])
    assert (page["data"], page["has_more"]) == ([], False)


# Every edge, for all 12 endpoints and all widths: aligned and unaligned starts; no end_time, an aligned end, an end
# inside a bucket, and an end after now.
WIDTHS = {"1m": 60, "1h": 3600, "1d": DAY}
STARTS = {"1m": NOW - 3 * 3600, "1h": NOW - 3 * DAY, "1d": NOW - 20 * DAY}
ENDS = {
    "none": None,
    "aligned": lambda w: (NOW - 2 * WIDTHS[w]) // WIDTHS[w] * WIDTHS[w],
    "inside": lambda w: (NOW - 2 * WIDTHS[w]) // WIDTHS[w] * WIDTHS[w] + WIDTHS[w] // 3 + 7,
    "future": lambda w: NOW + 5 * WIDTHS[w],
}
CASES = [
    (e.name, w, aligned, end) for e in ENDPOINTS.values() for w in e.widths for aligned in (True, False) for end in ENDS
]


@pytest.mark.parametrize(("endpoint", "width", "aligned", "end"), CASES)
def test_bucket_edges(sandbox: Sandbox, endpoint: str, width: str, aligned: bool, end: str) -> None:
    e = ENDPOINTS[endpoint]
    step = WIDTHS[width]
    start = STARTS[width] // step * step + (0 if aligned else step // 2 + 13)
    make_end = ENDS[end]
    end_time = None if make_end is None else make_end(width)
    params: list[tuple[str, object]] = [
        ("start_time", start),
        ("bucket_width", width),
        ("limit", limits_for(e)[width][1]),
    ]
    if end_time is not None:
        params.append(("end_time", end_time))
    page = ok(sandbox, COSTS if e.is_costs else usage(endpoint), params)
    edges = [(b["start_time"], b["end_time"]) for b in page["data"]]
    assert page["has_more"] is False
    assert all(a[1] == b[0] for a, b in pairwise(edges)), "buckets must tile the range"
    assert all(s % step == 0 for s, _ in edges[1:]), "every bucket after the first starts on a boundary"
    assert all(0 < t - s <= step for s, t in edges)
    asked_end = NOW if end_time is None else end_time
    if e.is_costs:  # whole UTC days covering the range
        assert edges[0][0] == start // DAY * DAY
        assert edges[-1][1] == -(-asked_end // DAY) * DAY
        assert all(t - s == DAY for s, t in edges)
    else:  # from start_time rounded down to the minute (as the live API) to min(end_time, now)
        assert edges[0][0] == start // 60 * 60
        assert edges[-1][1] == min(asked_end, NOW)
        assert all(t - s == step for s, t in edges[1:-1])


def test_usage_first_bucket_starts_at_the_start_rounded_down_to_the_minute(sandbox: Sandbox) -> None:
    # The cookbook's saved output: start_time hh:mm:ss gives a first bucket from hh:mm:00 to the next boundary.
    page = ok(sandbox, usage("completions"), [("start_time", TODAY - DAY + 3 * 3600 + 60 * 7 + 59)])
    assert (page["data"][0]["start_time"], page["data"][0]["end_time"]) == (TODAY - DAY + 3 * 3600 + 420, TODAY)


def test_usage_first_bucket_keeps_a_start_on_the_minute(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", TODAY - DAY + 420)])
    assert page["data"][0]["start_time"] == TODAY - DAY + 420


def test_bucket_width_defaults_to_one_day(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("images"), [("start_time", TODAY - DAY), ("end_time", TODAY)])
    assert page["data"][0]["end_time"] - page["data"][0]["start_time"] == DAY


def test_minute_buckets_are_sixty_seconds(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("images"), [("start_time", TODAY - DAY), ("bucket_width", "1m"), ("limit", 3)])
    assert [b["end_time"] - b["start_time"] for b in page["data"]] == [60, 60, 60]
