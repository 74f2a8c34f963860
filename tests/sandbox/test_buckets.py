"""Bucket alignment, partial first buckets, empty buckets and the default end of range."""

from __future__ import annotations

from oai_usage_sandbox import Sandbox

from .conftest import DAY, NOW, TODAY, ok, usage


def test_buckets_align_to_utc_day_boundaries(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("embeddings"), [("start_time", TODAY - 3 * DAY), ("end_time", TODAY)])
    assert [(b["start_time"], b["end_time"]) for b in page["data"]] == [
        (TODAY - 3 * DAY, TODAY - 2 * DAY),
        (TODAY - 2 * DAY, TODAY - DAY),
        (TODAY - DAY, TODAY),
    ]


def test_unaligned_start_gives_partial_first_bucket(sandbox: Sandbox) -> None:
    start = TODAY - 2 * DAY + 5000
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


def test_omitted_end_time_runs_up_to_now(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("moderations"), [("start_time", TODAY - 2 * DAY)])
    assert page["data"][-1]["start_time"] == TODAY
    assert page["data"][-1]["start_time"] <= NOW < page["data"][-1]["end_time"]
    assert page["has_more"] is False


def test_bucket_width_defaults_to_one_day(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("images"), [("start_time", TODAY - DAY), ("end_time", TODAY)])
    assert page["data"][0]["end_time"] - page["data"][0]["start_time"] == DAY


def test_minute_buckets_are_sixty_seconds(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("images"), [("start_time", TODAY - DAY), ("bucket_width", "1m"), ("limit", 3)])
    assert [b["end_time"] - b["start_time"] for b in page["data"]] == [60, 60, 60]
