"""`export --focus FILE`: FOCUS rows of daily costs, from the warehouse or --live, CSV or Parquet.

The official validator runs in `tox -e focus` (Python 3.12, tools/focus_validate.py); these tests check what it
cannot: the totals, byte-identical re-exports, a month's rows independent of the range, CSV and Parquet alike.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse.focus import COLUMNS, FALLBACK_UNIT, focus_unit
from oai_usage.warehouse.store import Warehouse

from .conftest import sandbox_client

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
WHEN = ["--sandbox", "--now", "2026-11-15T12:00:00Z"]
GROUPING = "project_id,line_item"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 70 days of sandbox costs, by the default plan (project and line item among them), with names."""
    path = tmp_path_factory.mktemp("focus") / "usage.duckdb"
    assert run([*WHEN, "sync", "--db", str(path), "--since", "70d", "--endpoints", "costs"]) == 0
    return path


def _export(db: Path, target: Path, *extra: str) -> int:
    return run([*WHEN, "export", "--db", str(db), "--focus", str(target), *extra])


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_billed_cost_sums_to_the_costs_total_per_currency(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "focus.csv"
    assert _export(db, target, "--start", "2026-10-01", "--end", "2026-11-01") == 0
    billed: dict[str, Decimal] = defaultdict(Decimal)
    for row in _csv(target):
        billed[row["BillingCurrency"]] += Decimal(row["BilledCost"])
        assert row["BilledCost"] == row["EffectiveCost"] == row["ListCost"] == row["ContractedCost"]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    with Warehouse(db, read_only=True) as warehouse:
        start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
        for cost in warehouse.rows(["sandbox"], "costs", "1d", GROUPING, start, end):
            totals[cost["amount_currency"].upper()] += Decimal(repr(cost["amount_value"]))
    assert billed == totals and totals


def test_the_focus_total_equals_the_costs_apis_ungrouped_total(tmp_path: Path) -> None:
    target = tmp_path / "live.csv"
    assert run([*WHEN, "export", "--live", "--focus", str(target)]) == 0  # the last complete month: October
    rows = _csv(target)
    assert {r["BillingPeriodStart"] for r in rows} == {"2026-10-01T00:00:00Z"}
    start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    with sandbox_client(NOW) as client:
        api = sum(
            Decimal(repr(r["amount_value"])) for r in client.query("costs", start_time=start, end_time=end).rows()
        )
    billed = sum((Decimal(r["BilledCost"]) for r in rows), Decimal(0))
    assert abs(billed - api) < Decimal("0.000001")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_exporting_a_range_twice_gives_the_same_bytes(db: Path, tmp_path: Path, suffix: str) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert _export(db, first, "--start", "2026-10-01", "--end", "2026-11-01") == 0
    assert _export(db, second, "--start", "2026-10-01", "--end", "2026-11-01") == 0
    assert first.read_bytes() == second.read_bytes()
    assert _export(db, first, "--start", "2026-10-01", "--end", "2026-11-01") == 0  # over an earlier export
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name]  # no temp file left


def test_a_month_re_exported_alone_has_the_rows_it_has_in_a_longer_export(db: Path, tmp_path: Path) -> None:
    month, longer = tmp_path / "october.csv", tmp_path / "all.csv"
    assert _export(db, month, "--start", "2026-10-01", "--end", "2026-11-01") == 0
    assert _export(db, longer) == 0  # every complete day the warehouse holds
    lines = longer.read_text().splitlines()
    october = [line for line in lines[1:] if ",2026-11-01T00:00:00Z,2026-10-01T00:00:00Z," in line]
    assert month.read_text().splitlines() == [lines[0], *october] and len(october) > 100
    starts = {r["ChargePeriodStart"][:10] for r in _csv(longer)}
    assert min(starts) < "2026-10-01" and max(starts) == "2026-11-14"  # the day of NOW is not complete: left out


def test_the_live_api_and_the_warehouse_give_the_same_bytes(db: Path, tmp_path: Path) -> None:
    live, stored = tmp_path / "live.csv", tmp_path / "stored.csv"
    assert run([*WHEN, "export", "--live", "--focus", str(live), "--start", "2026-10-01", "--end", "2026-11-01"]) == 0
    assert _export(db, stored, "--start", "2026-10-01", "--end", "2026-11-01") == 0
    assert live.read_bytes() == stored.read_bytes()


def test_csv_and_parquet_hold_the_same_rows(db: Path, tmp_path: Path) -> None:
    as_csv, as_parquet = tmp_path / "f.csv", tmp_path / "f.parquet"
    assert _export(db, as_csv) == 0
    assert _export(db, as_parquet) == 0
    types = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    from_csv = con.execute(f"SELECT * FROM read_csv('{as_csv}', header = true, columns = {{{types}}})").fetchall()
    from_parquet = con.execute(f"SELECT * FROM read_parquet('{as_parquet}')").fetchall()
    assert [d[0] for d in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{as_parquet}')").fetchall()] == [
        name for name, _ in COLUMNS
    ]
    assert from_csv == from_parquet and len(from_csv) > 1000


def test_the_rows_follow_the_mapping(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "f.csv"
    assert _export(db, target, "--start", "2026-11-01", "--end", "2026-11-02") == 0
    rows = _csv(target)
    with Warehouse(db, read_only=True) as warehouse:
        start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
        costs = list(warehouse.rows(["sandbox"], "costs", "1d", GROUPING, start, end))
    assert len(rows) == len(costs)
    for row in rows:
        assert row["ChargePeriodStart"] == "2026-11-01T00:00:00Z" and row["ChargePeriodEnd"] == "2026-11-02T00:00:00Z"
        assert row["BillingPeriodStart"] == "2026-11-01T00:00:00Z" and row["BillingPeriodEnd"] == "2026-12-01T00:00:00Z"
        assert row["BillingCurrency"] == "USD" and row["ChargeCategory"] == "Usage"
        assert row["BillingAccountId"].startswith("org-") and row["SubAccountId"].startswith("proj_")
        assert row["SkuId"] == row["SkuPriceId"] == row["ChargeDescription"]
        assert row["ConsumedQuantity"] == row["PricingQuantity"] and row["ConsumedUnit"] == row["PricingUnit"]
        assert row["InvoiceId"] == "" and row["CommitmentDiscountStatus"] == "" and row["BillingAccountName"] == ""
    assert all(r["SubAccountName"] for r in rows)  # the sandbox's projects all have names
    assert {r["ConsumedUnit"] for r in rows} <= {"Tokens", "Images", "Seconds", "Characters", "GiB-Hours",
                                                  "Sessions", "Tool Calls"}  # fmt: skip


def test_units_follow_focus_unit_format() -> None:
    assert focus_unit("tokens", "gpt-4o, input") == "Tokens"
    assert focus_unit("gibibyte_hours", "vector store storage") == "GiB-Hours"
    assert focus_unit(None, "web search tool calls") == "Tool Calls"
    assert focus_unit(None, "code interpreter sessions") == "Sessions"
    assert focus_unit(None, "something new") == FALLBACK_UNIT
    assert focus_unit("widgets", "x") == "widgets"  # a unit we do not know stays as the API gives it


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--focus", "f.txt"], "--focus f.txt: give a file ending in .csv or .parquet"),
        (["--focus", "f.csv", "--start", "2026-10-01T05:00"], "--start 2026-10-01T05:00: costs are daily UTC buckets"),
        (["--focus", "f.csv", "--start", "2026-10-02", "--end", "2026-10-01"], "--end (2026-10-01) must be after"),
    ],
)
def test_mistakes_are_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], message: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert run([*WHEN, "export", "--db", str(db), *argv]) == 2
    assert capsys.readouterr().err.startswith(f"oai-usage: error: {message}")
    assert list(tmp_path.iterdir()) == []


def test_export_takes_parquet_or_focus(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["export", "--db", str(db)])
    assert "one of the arguments --parquet --focus is required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(["export", "--db", str(db), "--parquet", str(tmp_path / "p"), "--focus", str(tmp_path / "f.csv")])
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_focus_options_are_refused_with_parquet(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["export", "--db", str(db), "--parquet", str(tmp_path / "p"), "--start", "2026-10-01"]) == 2
    assert (
        capsys.readouterr().err == "oai-usage: error: --start goes with --focus; --parquet writes the whole warehouse\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_focus_csv_neutralises_server_text_as_every_csv_does_and_leaves_numbers() -> None:
    """A project name like a formula, or holding a carriage return, is server text: the command line's CSV writer
    neutralises and quotes it (numbers, negative ones included, stay numbers); Parquet's source keeps it exact."""
    from oai_usage.cli.output import CsvWriter
    from oai_usage.warehouse.focus import focus_csv

    names = [name for name, _ in COLUMNS]
    row = tuple(
        "=HYPERLINK(\"x\")" if n == "SubAccountName" else "a\rb" if n == "ChargeDescription" else
        -1.5 if n == "BilledCost" else None for n in names
    )  # fmt: skip
    written = list(csv.DictReader(io.StringIO(focus_csv([row], lambda out: CsvWriter(out)).decode(), newline="")))
    assert len(written) == 1
    assert written[0]["SubAccountName"] == '\'=HYPERLINK("x")'
    assert written[0]["ChargeDescription"] == "a\rb"
    assert written[0]["BilledCost"] == "-1.5"
    exact = list(csv.DictReader(io.StringIO(focus_csv([row]).decode(), newline="")))
    assert exact[0]["SubAccountName"] == '=HYPERLINK("x")'
