"""Report figures from rows: totals, partitions, daily trend, change against the previous period."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from oai_usage.cli.report import (
    UNATTRIBUTED,
    Report,
    add_costs,
    add_previous_spend,
    add_previous_volume,
    add_usage,
)


def _day(n: int) -> datetime:
    return datetime(2026, 11, n, tzinfo=UTC)


def _cost(day: int, project: str | None, item: str, value: float) -> dict[str, Any]:
    return {"bucket_start": _day(day), "bucket_end": _day(day + 1), "project_id": project, "line_item": item,
            "amount_value": value, "amount_currency": "usd"}  # fmt: skip


def _usage(day: int, model: str, inp: int, out: int, req: int) -> dict[str, Any]:
    return {"bucket_start": _day(day), "bucket_end": _day(day + 1), "model": model, "input_tokens": inp,
            "output_tokens": out, "num_model_requests": req}  # fmt: skip


COSTS = [
    _cost(1, "proj_a", "gpt-4o, input", 2.5),
    _cost(1, "proj_b", "gpt-4o, output", 1.0),
    _cost(2, "proj_a", "gpt-4o, output", 4.0),
    _cost(2, None, "web search tool calls", 0.5),
]
USAGE = [_usage(1, "gpt-4o", 100, 50, 3), _usage(2, "gpt-4o-mini", 1000, 10, 9), _usage(2, "gpt-4o", 1, 1, 1)]


def _report() -> Report:
    report = Report(start=_day(1), end=_day(3), previous_start=datetime(2026, 10, 30, tzinfo=UTC))
    add_costs(report, COSTS)
    add_usage(report, USAGE)
    return report


def test_total_spend_is_the_sum_of_all_rows() -> None:
    assert _report().total_spend == pytest.approx(8.0)


def test_spend_by_project_sorted_largest_first_with_unattributed_named() -> None:
    assert _report().spend_by_project == pytest.approx({"proj_a": 6.5, "proj_b": 1.0, UNATTRIBUTED: 0.5})
    assert list(_report().spend_by_project) == ["proj_a", "proj_b", UNATTRIBUTED]


def test_spend_by_line_item_partitions_the_total() -> None:
    report = _report()
    assert sum(report.spend_by_line_item.values()) == pytest.approx(report.total_spend)
    assert report.spend_by_line_item["gpt-4o, output"] == pytest.approx(5.0)


def test_daily_spend_and_its_split_by_project() -> None:
    report = _report()
    assert report.daily_spend == pytest.approx({_day(1).date(): 3.5, _day(2).date(): 4.5})
    assert report.daily_spend_by_project[_day(2).date()] == pytest.approx({"proj_a": 4.0, UNATTRIBUTED: 0.5})


def test_models_ranked_by_tokens() -> None:
    models = _report().models
    assert [(m.model, m.tokens, m.requests) for m in models] == [("gpt-4o-mini", 1010, 9), ("gpt-4o", 152, 4)]


def test_change_against_previous_period() -> None:
    report = _report()
    add_previous_spend(report, [_cost(1, "proj_a", "x", 4.0)])
    add_previous_volume(report, [_usage(1, "gpt-4o", 500, 81, 13)])
    assert report.change(report.total_spend, report.previous_spend) == pytest.approx(1.0)
    assert report.as_dict()["volume"]["tokens_change"] == pytest.approx(1.0)
    assert report.as_dict()["volume"]["requests_change"] == pytest.approx(0.0)


def test_change_is_none_without_previous_data() -> None:
    report = _report()
    add_previous_spend(report, [])
    add_previous_volume(report, [])
    assert report.as_dict()["spend"]["change"] is None


def test_report_says_where_its_figures_come_from() -> None:
    data = _report().as_dict()
    assert "/organization/costs" in data["spend"]["source"]
    assert "/organization/usage/{completions,embeddings}" in data["volume"]["source"]


def test_volume_adds_up_across_endpoints() -> None:
    report = _report()
    embeddings = {"bucket_start": _day(1), "bucket_end": _day(2), "model": "text-embedding-3-small",
                  "input_tokens": 5000, "num_model_requests": 4}  # fmt: skip
    add_usage(report, [embeddings])
    assert report.total_tokens == 100 + 50 + 1000 + 10 + 1 + 1 + 5000
    assert report.total_requests == 3 + 9 + 1 + 4
    assert [m.model for m in report.models] == ["text-embedding-3-small", "gpt-4o-mini", "gpt-4o"]
    assert report.daily_tokens_by_model[_day(1).date()]["text-embedding-3-small"] == 5000
