"""The report chart: format by extension, title and axis for short ranges, empty days and empty ranges."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run
from oai_usage.cli.plot import ChartPathError, chart_format, draw

from tests.overlay.cli.conftest import NOW
from tests.overlay.report.draft import Draft as Report
from tests.overlay.report.draft import add_costs, add_usage

pytest.importorskip("matplotlib")
import matplotlib.pyplot as plt

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF-"}


@pytest.fixture(autouse=True)
def _no_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAI_USAGE_TZ", raising=False)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_chart_format_follows_the_extension(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / f"chart.{fmt.upper() if fmt == 'pdf' else fmt}"
    assert run(["--sandbox", "report", "--since", "3d", "--plot", str(target)], now=NOW) == 0
    assert target.read_bytes().startswith(MAGIC[fmt])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("name", ["chart.jpg", "chart", "chart.png.txt"])
def test_unknown_extension_names_the_allowed_ones(name: str) -> None:
    with pytest.raises(ChartPathError, match=r"use \.png, \.svg, \.pdf"):
        chart_format(name)


def _texts(fig: Any) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _ticks(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def test_a_12_hour_report_titles_its_hours_and_marks_the_partial_day() -> None:
    start = datetime(2026, 11, 24, 4, tzinfo=UTC)
    report = Report(start=start, end=NOW, previous_start=start - timedelta(hours=12))
    add_usage(report, [{"bucket_start": start, "model": "gpt-4o", "input_tokens": 5_000_000, "num_model_requests": 1}])
    fig = draw(report.report)
    try:
        assert fig._suptitle.get_text() == "OpenAI usage 2026-11-24 04:00 → 15:30 (UTC)"
        tokens = fig.axes[-1]
        assert _ticks(tokens) == ["11-24\n(from 04:00 to 15:30)"]
        left, right = tokens.get_xlim()
        assert (left, right) == pytest.approx((-0.6, 0.6))  # one day: the axis does not start half a day early
    finally:
        plt.close(fig)


def test_an_empty_day_is_a_slot_with_nothing_not_a_gap() -> None:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    report = Report(start=day, end=day + timedelta(days=3), previous_start=day - timedelta(days=3))
    add_costs(report, [{"bucket_start": d, "project_id": "p", "line_item": "x", "amount_value": 1.0,
                        "amount_currency": "usd"} for d in (day, day + timedelta(days=2))])  # fmt: skip
    fig = draw(report.report)
    try:
        assert _ticks(fig.axes[0]) == ["11-01", "11-02", "11-03"]
        heights = [bar.get_height() for bar in fig.axes[0].patches]
        assert heights == [1.0, 0.0, 1.0]
    finally:
        plt.close(fig)


def test_an_empty_range_draws_a_no_data_chart_without_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "empty.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = run(
            ["--sandbox", "report", "--start", "2025-01-01", "--end", "2025-01-10", "--plot", str(target)], now=NOW
        )
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    assert [str(w.message) for w in caught] == []
    assert target.read_bytes().startswith(MAGIC["png"])
    assert "This period has no data" in " ".join(captured.out.split())


def test_an_empty_report_says_no_data_on_every_panel() -> None:
    day = datetime(2025, 1, 1, tzinfo=UTC)
    fig = draw(Report(start=day, end=day + timedelta(days=2), previous_start=day - timedelta(days=2)).report)
    try:
        assert _texts(fig) == ["no data in this period", "no data in this period"]
        assert all(ax.get_legend() is None for ax in fig.axes)
    finally:
        plt.close(fig)


def test_one_spend_panel_per_currency() -> None:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    report = Report(start=day, end=day + timedelta(days=1), previous_start=day - timedelta(days=1))
    add_costs(report, [{"bucket_start": day, "project_id": "p", "line_item": "x", "amount_value": 2.0,
                        "amount_currency": c} for c in ("usd", "eur")])  # fmt: skip
    fig = draw(report.report)
    try:
        assert [ax.get_title() for ax in fig.axes][:2] == ["Daily spend by project (EUR, UTC days)",
                                                           "Daily spend by project (USD, UTC days)"]  # fmt: skip
    finally:
        plt.close(fig)


def test_a_long_range_thins_its_labels_but_keeps_the_last_day() -> None:
    day = datetime(2026, 10, 27, tzinfo=UTC)
    report = Report(start=day, end=day + timedelta(days=29, hours=12), previous_start=day - timedelta(days=30))
    fig = draw(report.report)
    try:
        ticks = _ticks(fig.axes[-1])
        assert 10 <= len(ticks) <= 16
        assert ticks[0] == "10-27" and ticks[-1] == "11-25\n(to 12:00)"
    finally:
        plt.close(fig)


def test_each_project_with_a_limit_gets_its_own_month_to_date_panel() -> None:
    from oai_usage.cli.commands.report import Options, build_report
    from oai_usage.cli.main import build_parser

    argv = ["--sandbox", "report", "--since", "7d"]
    report = build_report(Options.from_args(build_parser(argv).parse_args(argv), NOW), NOW)
    assert report.limits is not None and report.limits.projects
    fig = draw(report)
    try:
        titles = [ax.get_title() for ax in fig.axes]
        lines = {ax.get_title(): [t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes}
    finally:
        plt.close(fig)
    for project in report.limits.projects:
        (title,) = [t for t in titles if t.startswith(f"Month to date of the project {report.label(project.scope)} ")]
        assert f"project {report.label(project.scope)} spend limit ${project.limit:,.0f}" in lines[title]
    assert any(t.startswith("Month to date of the organization ") for t in titles)
