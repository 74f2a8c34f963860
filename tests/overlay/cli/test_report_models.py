"""The report's spend by model: derived from line items (MODEL_RULE), equal to sums of `rows()` for the same
grouping in this period and the previous one, in JSON, CSV, the terminal and the HTML page."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from oai_usage import UsageClient
from oai_usage.cli.main import run
from oai_usage.report import NO_MODEL, UNATTRIBUTED, model_of

from tests.overlay.cli.conftest import NOW


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = run(["--sandbox", "report", "--since", "7d", *argv], now=NOW)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _by_model(rows: list[dict[str, Any]]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for row in rows:
        totals[model_of(row["line_item"])] += row["amount_value"]
    return dict(totals)


def test_the_model_rule() -> None:
    assert model_of("gpt-4o-2024-08-06, input (batch)") == "gpt-4o-2024-08-06"
    assert model_of("dall-e-3, 1024x1024") == "dall-e-3"
    assert model_of("code interpreter sessions") == NO_MODEL
    assert model_of(None) == model_of("") == UNATTRIBUTED


def test_spend_by_model_equals_sums_of_rows(capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient) -> None:
    report = json.loads(_cli(capsys, "--format", "json"))
    start, previous = datetime(2026, 11, 18, tzinfo=UTC), datetime(2026, 11, 11, tzinfo=UTC)
    grouping = {"group_by": ["project_id", "line_item"]}
    now_rows = list(sandbox_client.query("costs", start_time=start, end_time=NOW, **grouping).rows())
    before_rows = list(sandbox_client.query("costs", start_time=previous, end_time=start, **grouping).rows())
    current, before = _by_model(now_rows), _by_model(before_rows)
    models = report["spend"]["by_model"]["usd"]
    assert {m: f["spend"] for m, f in models.items()} == pytest.approx(current)
    assert list(models) == sorted(current, key=lambda m: (-current[m], m))  # the largest first
    total = sum(current.values())
    for model, figures in models.items():
        assert figures["share"] == pytest.approx(current[model] / total)
        assert figures["previous"] == pytest.approx(before.get(model, 0.0))
        if before.get(model):
            assert figures["change"] == pytest.approx(current[model] / before[model] - 1)
    assert sum(f["share"] for f in models.values()) == pytest.approx(1.0)
    assert NO_MODEL in models and "model_rule" in report["spend"]


def test_every_format_has_the_spend_by_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = json.loads(_cli(capsys, "--format", "json"))["spend"]["by_model"]["usd"]
    rows = list(csv.reader(io.StringIO(_cli(capsys, "--format", "csv"))))
    from_csv = {r[1]: float(r[4]) for r in rows if r[0] == "model_spend" and r[3] == "spend"}
    assert from_csv == pytest.approx({m: f["spend"] for m, f in data.items()})
    assert {r[1] for r in rows if r[0] == "model_spend" and r[3] == "previous_spend"} == set(data)
    table = _cli(capsys, "--ids")
    assert "Spend by model" in table and all(m[:20] in table for m in list(data)[:5])
    page = tmp_path / "r.html"
    _cli(capsys, "--html", str(page))
    assert "Spend by model" in page.read_text() and all(m in page.read_text() for m in data)
