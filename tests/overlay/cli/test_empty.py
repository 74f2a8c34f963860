"""Exports and empty buckets: by default an empty bucket gives no row; `--keep-empty` gives one row each."""

from __future__ import annotations

import csv
import io

import pytest
from oai_usage.cli.main import run

from tests.overlay.cli.conftest import NOW


def _csv(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    assert run(["--sandbox", *argv, "--format", "csv"], now=NOW) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_an_empty_bucket_gives_no_row_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert _csv(capsys, "costs", "--start", "2025-01-01", "--end", "2025-01-04") == []


def test_keep_empty_gives_one_row_per_empty_bucket(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _csv(capsys, "costs", "--start", "2025-01-01", "--end", "2025-01-04", "--group-by", "project_id",
                "--keep-empty")  # fmt: skip
    assert [r["bucket_start"] for r in rows] == ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z"]
    assert {(r["amount_value"], r["project_id"], r["amount_currency"]) for r in rows} == {("0", "", "")}


def test_keep_empty_adds_rows_only_where_buckets_are_empty(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["usage", "completions", "--start", "2026-07-20", "--end", "2026-08-05", "--group-by", "model"]
    plain = _csv(capsys, *argv)  # the sandbox's history starts in this range
    kept = _csv(capsys, *argv, "--keep-empty")
    days_with_data = {r["bucket_start"] for r in plain}
    assert 0 < len(days_with_data) < 16
    assert len(kept) == len(plain) + 16 - len(days_with_data)
    assert sum(int(r["input_tokens"]) for r in kept) == sum(int(r["input_tokens"]) for r in plain)
    assert [r for r in kept if r["bucket_start"] in days_with_data] == plain
