"""Report figures from rows: totals per currency, partitions, daily trend with every day, local days,
change against the previous period and the caveats that go with it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from oai_usage.cli.render import caveats as worded
from oai_usage.cli.render import csv_records, headline, markdown, sections
from oai_usage.report import UNATTRIBUTED

from tests.overlay.report.draft import Draft as Report
from tests.overlay.report.draft import add_costs, add_previous_spend, add_previous_volume, add_usage


def _day(n: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, n, hour, tzinfo=UTC)


def _cost(day: int, project: str | None, item: str, value: float, currency: str = "usd") -> dict[str, Any]:
    return {"bucket_start": _day(day), "bucket_end": _day(day + 1), "project_id": project, "line_item": item,
            "amount_value": value, "amount_currency": currency}  # fmt: skip


def _usage(day: int, model: str, inp: int, out: int, req: int, hour: int = 0) -> dict[str, Any]:
    return {"bucket_start": _day(day, hour), "bucket_end": _day(day, hour) + timedelta(days=1), "model": model,
            "input_tokens": inp, "output_tokens": out, "num_model_requests": req}  # fmt: skip


COSTS = [
    _cost(1, "proj_a", "gpt-4o, input", 2.5),
    _cost(1, "proj_b", "gpt-4o, output", 1.0),
    _cost(3, "proj_a", "gpt-4o, output", 4.0),
    _cost(3, None, "web search tool calls", 0.5),
]
USAGE = [_usage(1, "gpt-4o", 100, 50, 3), _usage(3, "gpt-4o-mini", 1000, 10, 9), _usage(3, "gpt-4o", 1, 1, 1)]


def _report(costs: list[dict[str, Any]] = COSTS) -> Report:
    report = Report(start=_day(1), end=_day(4), previous_start=datetime(2026, 10, 29, tzinfo=UTC))
    add_costs(report, costs)
    add_usage(report, USAGE)
    return report


def test_total_spend_is_the_sum_of_all_rows() -> None:
    assert _report().spend == pytest.approx({"usd": 8.0})


def test_spend_by_project_sorted_largest_first_with_unattributed_named() -> None:
    assert _report().spend_by_project["usd"] == pytest.approx({"proj_a": 6.5, "proj_b": 1.0, UNATTRIBUTED: 0.5})
    assert list(_report().spend_by_project["usd"]) == ["proj_a", "proj_b", UNATTRIBUTED]


def test_spend_by_line_item_partitions_the_total() -> None:
    report = _report()
    assert sum(report.spend_by_line_item["usd"].values()) == pytest.approx(report.spend["usd"])
    assert report.spend_by_line_item["usd"]["gpt-4o, output"] == pytest.approx(5.0)


def test_a_day_with_no_spend_is_a_day_with_zero() -> None:
    report = _report()
    assert report.daily_spend("usd") == pytest.approx({_day(1).date(): 3.5, _day(2).date(): 0.0, _day(3).date(): 4.5})
    assert report.daily_spend_by_project["usd"][_day(3).date()] == pytest.approx({"proj_a": 4.0, UNATTRIBUTED: 0.5})


def test_a_day_with_no_tokens_is_a_day_with_zero() -> None:
    assert _report().daily_tokens() == {_day(1).date(): 150, _day(2).date(): 0, _day(3).date(): 1012}


def test_daily_tables_list_the_empty_day() -> None:
    by_key = {s.key: s for s in sections(_report().report)}
    assert [row[0] for row in by_key["daily_spend"].rows] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert by_key["daily_spend"].rows[1][1] == "$0.00"
    assert by_key["daily_tokens"].rows[1][1] == "0"


MIXED = [
    _cost(1, "proj_us", "gpt-4o, input", 300.0, "usd"),
    _cost(1, "proj_eu", "gpt-4o, input", 100.0, "eur"),
    _cost(3, "proj_eu", "gpt-4o, output", 50.0, "EUR"),
]


def test_currencies_are_never_added_together() -> None:
    report = _report(MIXED)
    assert report.spend == pytest.approx({"usd": 300.0, "eur": 150.0})
    assert report.spend_by_project == {"eur": pytest.approx({"proj_eu": 150.0}),
                                       "usd": pytest.approx({"proj_us": 300.0})}  # fmt: skip
    assert report.daily_spend("eur")[_day(1).date()] == pytest.approx(100.0)
    assert report.daily_spend("usd")[_day(1).date()] == pytest.approx(300.0)


def test_every_table_labels_money_with_its_currency() -> None:
    by_key = {s.key: s for s in sections(_report(MIXED).report)}
    summary = {row[0]: row[1] for row in by_key["summary"].rows}
    assert summary["spend (USD)"] == "$300.00" and summary["spend (EUR)"] == "EUR 150.00"
    assert ["proj_eu", "EUR", "EUR 150.00", "100.0%"] in by_key["projects"].rows
    assert ["proj_us", "USD", "$300.00", "100.0%"] in by_key["projects"].rows
    assert by_key["daily_spend"].columns == ["day (UTC)", "spend (EUR)", "spend (USD)"]
    assert by_key["daily_spend"].rows[0] == ["2026-11-01", "EUR 100.00", "$300.00"]


def test_mixed_currencies_get_a_caveat_and_separate_csv_totals() -> None:
    report = _report(MIXED)
    assert any("2 currencies (EUR, USD)" in line for line in worded(report.report))
    totals = [r for r in csv_records(report.report) if r[:2] == ["summary", "spend"] and r[3] == "this_period"]
    assert totals == [["summary", "spend", "eur", "this_period", pytest.approx(150.0)],
                      ["summary", "spend", "usd", "this_period", pytest.approx(300.0)]]  # fmt: skip


def test_models_ranked_by_tokens() -> None:
    models = _report().models
    assert [(m.model, m.tokens, m.requests) for m in models] == [("gpt-4o-mini", 1010, 9), ("gpt-4o", 152, 4)]


def test_change_against_previous_period() -> None:
    report = _report()
    add_previous_spend(report, [_cost(29, "proj_a", "x", 4.0) | {"bucket_start": datetime(2026, 10, 29, tzinfo=UTC)}])
    add_previous_volume(
        report, [_usage(1, "gpt-4o", 500, 81, 13) | {"bucket_start": datetime(2026, 10, 29, tzinfo=UTC)}]
    )
    assert report.change(report.spend["usd"], report.previous_spend["usd"]) == pytest.approx(1.0)
    assert report.to_dict()["spend"]["change"] == {"usd": pytest.approx(1.0)}
    assert report.to_dict()["volume"]["tokens_change"] == pytest.approx(1.0)
    assert report.to_dict()["volume"]["requests_change"] == pytest.approx(0.0)
    assert not any("previous period" in line for line in worded(report.report))


def test_change_is_none_without_previous_data_and_says_so() -> None:
    report = _report()
    add_previous_spend(report, [])
    add_previous_volume(report, [])
    assert report.to_dict()["spend"]["change"] == {"usd": None}
    assert "The previous period has no data: there is no change to show." in worded(report.report)


def test_a_partly_covered_previous_period_is_a_caveat() -> None:
    report = _report()  # previous period: Oct 29, 30, 31; data only from Oct 31
    add_previous_spend(report, [_cost(1, "p", "x", 1.0) | {"bucket_start": datetime(2026, 10, 31, tzinfo=UTC)}])
    (line,) = [c for c in worded(report.report) if "previous period" in c]
    assert "starts 2026-10-29 but its data starts 2026-10-31" in line
    assert "only 1 of its 3 days" in line
    assert report.to_dict()["previous_period"]["first_day_with_data"] == "2026-10-31"
    assert line.replace("|", "\\|") in markdown(report.report)


def test_report_says_where_its_figures_come_from() -> None:
    data = _report().to_dict()
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


BERLIN = ZoneInfo("Europe/Berlin")


def test_local_days_are_built_from_hourly_buckets() -> None:
    start = datetime(2026, 10, 31, 23, tzinfo=UTC)  # Berlin midnight of Nov 1
    report = Report(start=start, end=start + timedelta(days=2), previous_start=start - timedelta(days=2), tz=BERLIN)
    hourly = [_usage(1, "m", 10, 0, 1) | {"bucket_start": start + timedelta(hours=h)} for h in range(48)]
    add_usage(report, hourly)
    assert report.days == [date(2026, 11, 1), date(2026, 11, 2)]
    assert report.daily_tokens() == {date(2026, 11, 1): 240, date(2026, 11, 2): 240}


def test_with_a_zone_spend_stays_on_utc_days_of_the_same_dates_and_says_so() -> None:
    start = datetime(2026, 10, 31, 23, tzinfo=UTC)
    end = start + timedelta(days=2)
    later = end + timedelta(days=1)
    report = Report(start=start, end=end, previous_start=start - timedelta(days=2), tz=BERLIN, now=later)
    assert (report.money_start, report.money_end) == (_day(1), _day(3))
    assert report.previous_money == (datetime(2026, 10, 30, tzinfo=UTC), _day(1))
    assert any("each local date shows the spend of the same UTC date" in c for c in worded(report.report))


def test_partial_days_are_named() -> None:
    report = Report(start=_day(24, 4), end=_day(24, 15) + timedelta(minutes=30), previous_start=_day(23, 16))
    assert report.partial_days() == {date(2026, 11, 24): "from 04:00 to 15:30"}
    assert "2026-11-24 is a partial day (from 04:00 to 15:30 UTC)." in worded(report.report)
    assert report.previous_length() == "12 hours"


def test_an_empty_period_says_it_has_no_data() -> None:
    report = Report(start=_day(1), end=_day(2), previous_start=datetime(2026, 10, 31, tzinfo=UTC))
    assert worded(report.report)[0].startswith("This period has no data")
    assert report.daily_spend("usd") == {_day(1).date(): 0.0}


def test_a_partial_period_is_compared_with_the_same_span_earlier() -> None:
    start, end = _day(20), _day(24, 12)
    report = Report(start=start, end=end, previous_start=_day(15), previous_end=end - timedelta(days=5))
    assert report.to_dict()["previous_period"] == {
        "start": "2026-11-15T00:00:00+00:00",
        "end": "2026-11-19T12:00:00+00:00",
        "days": 5,
        "first_day_with_data": None,
    }
    cut = "The previous period stops at the same time of day, 2026-11-19 12:00 UTC"
    assert any(c.startswith(cut) for c in worded(report.report))
    expected = "compared with the same span 5 days earlier: 2026-11-15 00:00 → 2026-11-19 12:00 UTC"
    assert headline(report.report)[1] == expected


def test_spend_change_leaves_out_the_day_in_progress() -> None:
    start, end = _day(10), _day(12, 6)  # the 12th is in progress
    report = Report(start=start, end=end, previous_start=_day(7), previous_end=end - timedelta(days=3))
    add_costs(report, [_cost(10, "p", "x", 10.0), _cost(11, "p", "x", 10.0), _cost(12, "p", "x", 1.0)])
    previous = [_cost(7, "p", "x", 5.0), _cost(8, "p", "x", 5.0), _cost(9, "p", "x", 40.0)]
    add_previous_spend(report, previous)
    assert report.spend_change("usd") == pytest.approx(1.0)  # 20 over the 10th-11th vs 10 over the 7th-8th
    assert report.change(report.spend["usd"], report.previous_spend["usd"]) == pytest.approx(-0.58)  # not this
    assert "it compares the whole UTC days 2026-11-10 to 2026-11-11 with 2026-11-07 to 2026-11-08." in " ".join(
        worded(report.report)
    )
