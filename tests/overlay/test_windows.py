"""Cutting a range into one-page windows aligned to bucket boundaries."""

from __future__ import annotations

from oai_usage.endpoints import COMPLETIONS, COSTS
from oai_usage.validation import validate
from oai_usage.windows import Window, plan_windows, window_query

from tests.overlay.payloads import DAY, HOUR, MINUTE, NOV_1

NOW = NOV_1 + 400 * DAY


def test_an_aligned_range_is_cut_every_limit_buckets() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1, "end_time": NOV_1 + 30 * DAY, "bucket_width": "1h"})
    windows = plan_windows(query, NOW)
    assert [(w.start, w.end) for w in windows] == [
        (s, min(s + 168 * HOUR, NOV_1 + 30 * DAY)) for s in range(NOV_1, NOV_1 + 30 * DAY, 168 * HOUR)
    ]
    assert [w.index for w in windows] == list(range(5))


def test_a_range_that_fits_one_page_is_one_window() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1, "end_time": NOV_1 + 31 * DAY})
    assert plan_windows(query, NOW) == [Window(0, NOV_1, NOV_1 + 31 * DAY)]


def test_an_unaligned_start_makes_the_first_window_shorter_by_the_partial_bucket() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1 + 30, "end_time": NOV_1 + 3 * DAY, "bucket_width": "1m"})
    windows = plan_windows(query, NOW)
    assert windows[0] == Window(0, NOV_1 + 30, NOV_1 + 1440 * MINUTE)
    assert [w.start for w in windows[1:]] == [NOV_1 + DAY, NOV_1 + 2 * DAY]


def test_an_open_range_runs_its_windows_up_to_now_and_leaves_the_last_open() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1, "bucket_width": "1d"})
    windows = plan_windows(query, NOV_1 + 40 * DAY + 5)
    assert [(w.start, w.end) for w in windows] == [(NOV_1, NOV_1 + 31 * DAY), (NOV_1 + 31 * DAY, None)]


def test_an_explicit_limit_sets_the_window_span() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1, "end_time": NOV_1 + 10 * DAY, "limit": 4})
    assert [w.start for w in plan_windows(query, NOW)] == [NOV_1, NOV_1 + 4 * DAY, NOV_1 + 8 * DAY]


def test_costs_windows_span_180_days() -> None:
    query = validate(COSTS, {"start_time": NOV_1, "end_time": NOV_1 + 365 * DAY})
    assert [w.start for w in plan_windows(query, NOW)] == [NOV_1, NOV_1 + 180 * DAY, NOV_1 + 360 * DAY]


def test_a_window_query_keeps_every_other_parameter() -> None:
    query = validate(
        COMPLETIONS,
        {"start_time": NOV_1, "end_time": NOV_1 + 30 * DAY, "bucket_width": "1h", "group_by": ["model"]},
    )
    part = window_query(query, Window(1, NOV_1 + 7 * DAY, NOV_1 + 14 * DAY))
    assert dict(part.params) == {**query.params, "start_time": NOV_1 + 7 * DAY, "end_time": NOV_1 + 14 * DAY}
    assert (part.start_time, part.end_time) == (NOV_1 + 7 * DAY, NOV_1 + 14 * DAY)


def test_an_open_window_query_sends_no_end_time() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1, "end_time": NOV_1 + 30 * DAY})
    part = window_query(query, Window(1, NOV_1 + 7 * DAY, None))
    assert "end_time" not in part.params
    assert part.end_time is None
