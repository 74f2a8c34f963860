"""`oai-usage report` end to end: its figures are sums of the library's rows, its range follows the one rule,
money stays per currency, and every format (table, JSON, CSV, Markdown, HTML) carries the same caveats."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from oai_usage import UsageClient
from oai_usage.cli.main import run
from pytest_httpx import HTTPXMock

from tests.overlay.cli.conftest import NOW, tiled_page

VOLUME = ("completions", "embeddings")


@pytest.fixture(autouse=True)
def _no_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAI_USAGE_TZ", raising=False)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = cli(capsys, "--sandbox", "report", *argv, "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _rows(client: UsageClient, endpoint: str, **params: Any) -> list[dict[str, Any]]:
    return list(client.query(endpoint, **params).rows())


def _tokens(row: dict[str, Any]) -> int:
    return int(row["input_tokens"]) + int(row.get("output_tokens") or 0)


def test_report_figures_equal_sums_of_rows(capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient) -> None:
    report = report_json(capsys, "--since", "7d")
    start = datetime(2026, 11, 18, tzinfo=UTC)  # 7 days, today included: from midnight 6 days ago
    previous = datetime(2026, 11, 11, tzinfo=UTC)  # the same span 7 days earlier: to the same time of day
    previous_end = NOW - timedelta(days=7)
    costs = _rows(sandbox_client, "costs", start_time=start, end_time=NOW, group_by=["project_id", "line_item"])
    before = _rows(sandbox_client, "costs", start_time=previous, end_time=start)
    usage = [r for e in VOLUME for r in _rows(sandbox_client, e, start_time=start, end_time=NOW, group_by=["model"])]
    before_usage = [r for e in VOLUME for r in _rows(sandbox_client, e, start_time=previous, end_time=previous_end)]
    by_project: dict[str, float] = defaultdict(float)
    daily: dict[str, float] = defaultdict(float)
    for row in costs:
        by_project[row["project_id"] or "(none)"] += row["amount_value"]
        daily[row["bucket_start"].date().isoformat()] += row["amount_value"]
    tokens: dict[str, int] = defaultdict(int)
    for row in usage:
        tokens[row["model"]] += _tokens(row)

    assert (report["period"]["start"], report["previous_period"]["start"]) == (start.isoformat(), previous.isoformat())
    assert report["previous_period"]["end"] == previous_end.isoformat()
    assert report["spend"]["total"] == {"usd": pytest.approx(sum(r["amount_value"] for r in costs))}
    assert report["spend"]["previous"] == {"usd": pytest.approx(sum(r["amount_value"] for r in before))}
    assert report["spend"]["by_project"] == {"usd": pytest.approx(dict(by_project))}
    assert report["spend"]["daily"] == {"usd": pytest.approx(dict(daily))}
    assert {m["model"]: m["tokens"] for m in report["volume"]["top_models"]} == dict(tokens)
    assert report["volume"]["requests"] == sum(r["num_model_requests"] for r in usage)
    assert report["volume"]["previous_tokens"] == sum(_tokens(r) for r in before_usage)


def test_local_days_come_from_hourly_buckets(capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    report = report_json(capsys, "--since", "3d", "--tz", "Europe/Berlin")
    start = datetime(2026, 11, 22, tzinfo=berlin)  # NOW is 16:30 in Berlin on the 24th
    assert report["period"]["start"] == start.astimezone(UTC).isoformat()
    assert report["period"]["time_zone"] == report["volume"]["days"] == "Europe/Berlin"
    assert "bucket_width=1h" in report["volume"]["source"]
    hourly = [r for e in VOLUME for r in _rows(sandbox_client, e, start_time=start, end_time=NOW, bucket_width="1h")]
    per_day: dict[str, int] = defaultdict(int)
    for row in hourly:
        per_day[row["bucket_start"].astimezone(berlin).date().isoformat()] += _tokens(row)
    assert report["volume"]["daily_tokens"] == dict(per_day)
    assert list(per_day) == ["2026-11-22", "2026-11-23", "2026-11-24"]
    assert report["spend"]["days"] == "UTC"
    assert any("each local date shows the spend of the same UTC date" in c for c in report["caveats"])


def test_the_zone_can_come_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAI_USAGE_TZ", "Europe/Berlin")
    report = report_json(capsys, "--since", "1d")
    assert report["period"]["start"] == "2026-11-23T23:00:00+00:00"


def test_since_12h_is_twelve_hours_counting_the_current_one(capsys: pytest.CaptureFixture[str]) -> None:
    report = report_json(capsys, "--since", "12h")
    assert report["period"]["start"] == "2026-11-24T04:00:00+00:00"
    assert report["previous_period"]["start"] == "2026-11-23T16:00:00+00:00"
    assert report["previous_period"]["end"] == "2026-11-24T03:30:00+00:00"  # as long as this period
    assert report["period"]["partial_days"] == {"2026-11-24": "from 04:00 to 15:30"}


def test_since_and_start_follow_the_same_rule(capsys: pytest.CaptureFixture[str]) -> None:
    since = report_json(capsys, "--since", "30d")["period"]
    start = report_json(capsys, "--start", "30d")["period"]
    assert since == start
    assert since["start"] == "2026-10-26T00:00:00+00:00"


def test_report_takes_unix_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    report = report_json(capsys, "--start", "1795000000", "--end", "1795400000")
    assert report["period"]["start"] == "2026-11-18T11:06:40+00:00"
    assert report["period"]["end"] == "2026-11-23T02:13:20+00:00"


def test_unaligned_start_counts_whole_days_of_costs(
    capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient
) -> None:
    report = report_json(capsys, "--start", "2026-11-20T12:00", "--end", "2026-11-23")
    whole = _rows(sandbox_client, "costs", start_time=datetime(2026, 11, 20, tzinfo=UTC),
                  end_time=datetime(2026, 11, 23, tzinfo=UTC))  # fmt: skip
    assert report["spend"]["total"]["usd"] == pytest.approx(sum(r["amount_value"] for r in whole))
    assert list(report["spend"]["daily"]["usd"]) == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert any(c.startswith("Spend is counted in whole UTC days") for c in report["caveats"])


def test_exports_follow_the_range_rule_and_add_local_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--sandbox", "costs", "--start", "2d", "--tz", "Europe/Berlin", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["bucket_start_local"].endswith("+01:00")
    assert datetime.fromisoformat(rows[0]["bucket_start"].replace("Z", "+00:00")) <= datetime(
        2026, 11, 22, 23, tzinfo=UTC
    )
    code, out, _ = cli(capsys, "--sandbox", "usage", "completions", "--start", "2d", "--format", "csv")
    first = next(iter(csv.DictReader(io.StringIO(out))))
    assert first["bucket_start"] == "2026-11-23T00:00:00Z"  # not a partial bucket


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_costs_exports_carry_the_organization_id(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = cli(capsys, "--sandbox", "costs", "--start", "1795000000", "--format", fmt)
    assert code == 0, err
    first = next(iter(csv.DictReader(io.StringIO(out)))) if fmt == "csv" else json.loads(out)[0]
    assert re.fullmatch(r"org-[A-Za-z0-9]{24}", first["organization_id"])


def test_export_takes_unix_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--sandbox", "usage", "completions", "--start", "1795000000", "--format", "csv")
    assert code == 0, err
    # 1795000000 is 11:06:40; the first bucket starts at the minute, as the live API's (and the sandbox's) does
    assert next(iter(csv.DictReader(io.StringIO(out))))["bucket_start"] == "2026-11-18T11:06:00Z"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tz", "Mars/Olympus"], "--tz: unknown time zone 'Mars/Olympus'"),
        (["--end", "2026-11-01"], "--end needs --start"),
        (["--plot", "chart.jpg"], "--plot chart.jpg: unknown chart format '.jpg'; use .png, .svg, .pdf"),
        (["--plot", "chart"], "unknown chart format '(no extension)'"),
        (["--start", "2026-11-20", "--end", "2026-11-10"], "must be after --start"),
    ],
)
def test_report_mistakes_exit_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "--sandbox", "report", *argv)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_html_to_a_directory_is_refused_before_fetching(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "--sandbox", "report", "--html", str(tmp_path))
    assert code == 2 and "--html" in err and "directory" in err


# -- caveats in every format -------------------------------------------------------------------------------------


def test_a_partly_covered_previous_period_is_said_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["--sandbox", "report", "--since", "90d"]  # the sandbox keeps 120 days: the previous period is mostly empty
    data = report_json(capsys, "--since", "90d")
    (caveat,) = [c for c in data["caveats"] if c.startswith("The previous period starts")]
    assert "so the change overstates growth" in caveat
    table = cli(capsys, *argv)[1]
    markdown = cli(capsys, *argv, "--format", "markdown")[1]
    records = list(csv.reader(io.StringIO(cli(capsys, *argv, "--format", "csv")[1])))
    page = tmp_path / "r.html"
    assert cli(capsys, *argv, "--html", str(page))[0] == 0
    assert "The previous period starts" in " ".join(table.split())
    assert caveat in markdown
    assert ["caveat", "", "", "", caveat] in records
    assert caveat in page.read_text()


def test_csv_report_is_long_form_with_raw_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    data = report_json(capsys, "--since", "3d")
    code, out, _ = cli(capsys, "--sandbox", "report", "--since", "3d", "--format", "csv")
    records = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(records[0]) == ["section", "key", "currency", "metric", "value"]
    spend = next(r for r in records if (r["section"], r["key"], r["metric"]) == ("summary", "spend", "this_period"))
    assert float(spend["value"]) == pytest.approx(data["spend"]["total"]["usd"])
    days = [r["key"] for r in records if r["section"] == "daily_spend"]
    assert days == list(data["spend"]["daily"]["usd"])


def test_markdown_report_has_a_table_per_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--sandbox", "report", "--since", "3d", "--format", "markdown")
    assert code == 0
    for heading in ("## Summary", "## Spend by project", "## Spend by line item", "## Top models by tokens",
                    "## Daily spend", "## Daily tokens"):  # fmt: skip
        assert heading in out
    assert "| figure | this period | previous period | change |" in out
    assert "- Money: GET /v1/organization/costs" in out


def test_html_page_is_self_contained(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    code, out, _ = cli(capsys, "--sandbox", "report", "--since", "7d", "--html", str(page))
    assert code == 0 and "Summary" in out
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    text = re.sub(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', "", html)
    assert not re.search(r"(https?:)?//[a-z0-9]", text.replace('http-equiv="Content-Security-Policy"', ""))
    assert not re.search(r"<(script|link|iframe|object)\b", html)
    assert "default-src 'none'" in html
    assert html.count('<img alt="Daily spend') == 1 and 'src="data:image/png;base64,' in html
    # the spend limits, the unusual days, by model, by API key, by user; long tables fold their rest in a <details>
    # of its own table
    assert html.count("<table") == 11 + html.count("<details")
    assert "Money: GET /v1/organization/costs" in html


def test_html_escapes_names_from_the_api() -> None:
    from oai_usage.cli.html import html_page

    from tests.overlay.report.draft import Draft as Report
    from tests.overlay.report.draft import add_costs

    report = Report(start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 11, 2, tzinfo=UTC),
                    previous_start=datetime(2026, 10, 31, tzinfo=UTC))  # fmt: skip
    add_costs(report, [{"bucket_start": report.start, "project_id": "<img src=x onerror=alert(1)>",
                        "line_item": "a & b", "amount_value": 1.0, "amount_currency": "usd"}])  # fmt: skip
    html = html_page(report.report)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# -- currencies (pytest-httpx: a server that answers in USD and EUR) ----------------------------------------------

BASE = "https://api.example.test/v1"


def _page(request: httpx.Request) -> httpx.Response:
    """One page that tiles the asked window: daily or hourly buckets; costs in two currencies, no usage. The
    Admin lists are empty and no spend limit is set."""
    if request.url.path.endswith("/spend_limit"):
        return httpx.Response(404, json={"error": {"message": "no limit", "code": "spend_limit_not_set"}})
    if "/usage/" not in request.url.path and not request.url.path.endswith("/costs"):
        return httpx.Response(200, json={"object": "list", "data": [], "first_id": None, "last_id": None,
                                         "has_more": False})  # fmt: skip
    costs = request.url.path.endswith("/costs")

    def results(moment: int, step: int) -> list[dict[str, Any]]:
        if not costs or datetime.fromtimestamp(moment, UTC).day % 2:  # odd days stay empty
            return []
        return [
            {"object": "organization.costs.result", "amount": {"value": 10.0, "currency": "usd"},
             "line_item": "gpt-4o, input", "project_id": "proj_us"},
            {"object": "organization.costs.result", "amount": {"value": 7.5, "currency": "eur"},
             "line_item": "gpt-4o, input", "project_id": "proj_eu"},
        ]  # fmt: skip

    return tiled_page(request, results)


@pytest.fixture
def two_currencies(httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch) -> HTTPXMock:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-currencies")
    httpx_mock.add_callback(_page, is_reusable=True)
    return httpx_mock


def test_two_currencies_are_never_added(capsys: pytest.CaptureFixture[str], two_currencies: HTTPXMock) -> None:
    code, out, err = cli(capsys, "--base-url", BASE, "report", "--start", "2026-11-20", "--end", "2026-11-24",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["currencies"] == ["eur", "usd"]
    assert data["spend"]["total"] == {"eur": pytest.approx(15.0), "usd": pytest.approx(20.0)}  # 20th and 22nd
    assert data["spend"]["by_project"] == {
        "eur": {"proj_eu": pytest.approx(15.0)},
        "usd": {"proj_us": pytest.approx(20.0)},
    }
    assert data["spend"]["daily"]["eur"] == pytest.approx({"2026-11-20": 7.5, "2026-11-21": 0.0, "2026-11-22": 7.5,
                                                           "2026-11-23": 0.0})  # fmt: skip
    assert any("2 currencies (EUR, USD)" in c for c in data["caveats"])


def test_two_currencies_are_labelled_in_the_table(
    capsys: pytest.CaptureFixture[str], two_currencies: HTTPXMock
) -> None:
    code, out, _ = cli(capsys, "--base-url", BASE, "report", "--start", "2026-11-20", "--end", "2026-11-24")
    assert code == 0
    flat = " ".join(out.split())
    assert "spend (USD) │ $20.00" in flat and "spend (EUR) │ EUR 15.00" in flat
    assert "proj_eu │ EUR │ EUR 15.00 │ 100.0%" in flat and "proj_us │ USD │ $20.00 │ 100.0%" in flat
    assert "2026-11-21 │ EUR 0.00 │ $0.00" in flat  # an empty day is a day with 0, in each currency
    assert "sk-admin-test-currencies" not in out
