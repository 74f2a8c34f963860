"""The report's unusual days: the same findings as `oai-usage check` on a sandbox pinned with a spike, in every
format; a period with none says so in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run
from oai_usage_sandbox import SandboxConfig
from oai_usage_sandbox.server import serve_in_thread

from .test_check_cli import NOW, PROJECT, SPIKE_DAY, isolate


@pytest.fixture
def spiked(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The sandbox with an 8x spike of one project on SPIKE_DAY, over HTTP on loopback (its base URL)."""
    isolate(clean_env, tmp_path)
    spike = ((SPIKE_DAY - date(1970, 1, 1)).days, PROJECT, 8)
    with serve_in_thread(SandboxConfig(now=int(NOW.timestamp()), spikes=(spike,))) as url:
        yield url


def _out(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    run(list(argv), now=NOW)
    return capsys.readouterr().out


def _figures(findings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((f["dimension"], f["id"], f["what"], round(f["amount"], 6), round(f["baseline"], 6),
                   tuple(f["details"].get("line_items", ()))) for f in findings)  # fmt: skip


def test_the_report_lists_the_spike_day_with_the_figures_check_gives(
    spiked: str, capsys: pytest.CaptureFixture[str]
) -> None:
    checked = json.loads(_out(capsys, "--base-url", spiked, "check", "--format", "json"))
    unusual = [f for f in checked["findings"] if f["rule"] == "unusual"]
    report = json.loads(_out(capsys, "--base-url", spiked, "report", "--since", "30d", "--format", "json"))
    section = report["unusual_days"]
    listed = [f for f in section["found"] if f["period"] == SPIKE_DAY.isoformat()]
    assert section["days"] == {"first": "2026-10-26", "last": "2026-11-23"}
    assert any(f["dimension"] == "project" and f["id"] == PROJECT for f in unusual)
    assert _figures(listed) == _figures(unusual)


def test_the_spike_is_a_row_of_the_table_the_csv_and_the_page(
    spiked: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    period = ("--start", "2026-11-20", "--end", "2026-11-24")
    table = _out(capsys, "--base-url", spiked, "report", *period, "--format", "markdown", "--html", "page.html")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(_out(capsys, "--base-url", spiked, "report", *period, "--format", "csv"))))
    assert "## Unusual days, 2026-11-20 to 2026-11-23 (UTC days)" in table
    assert f"| 2026-11-23 (Mon) | project Research sandbox ({PROJECT}) |" in table
    assert ["unusual_day", f"2026-11-23 project {PROJECT}", "usd", "name", "Research sandbox"] in rows
    assert "Unusual days, 2026-11-20 to 2026-11-23 (UTC days)" in page and f"Research sandbox ({PROJECT})" in page


def test_a_period_with_no_unusual_day_says_none_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    period = ("--sandbox", "report", "--start", "2026-11-20", "--end", "2026-11-23")
    data = json.loads(_out(capsys, *period, "--format", "json"))
    table = _out(capsys, *period)
    markdown = _out(capsys, *period, "--format", "markdown")
    rows = list(csv.reader(io.StringIO(_out(capsys, *period, "--format", "csv"))))
    assert data["unusual_days"]["found"] == [] and data["unusual_days"]["days"]["last"] == "2026-11-22"
    assert "Unusual days, 2026-11-20 to 2026-11-22" in table and "nothing far above its own last 28" in table
    assert "| none | nothing far above its own last 28 days (same kind of day) |" in markdown
    assert not any(row[0] == "unusual_day" for row in rows)
