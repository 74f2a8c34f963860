"""`export --parquet` writes a dataset a month of days per statement: DuckDB's partitioned writer holds a Parquet
writer per day it writes at once, so one statement for a year's hourly dataset peaked at about 320 MB; a month at
a time bounds it, and the files and rows are the same."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from oai_usage.warehouse.export import export_parquet
from oai_usage.warehouse.store import Warehouse

DAYS = [datetime(2026, 9, 30, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)]  # fmt: skip


class _Statements:
    """The connection, recording the COPY statements of data (not names) with their parameters."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self.copies: list[tuple[str, list[Any]]] = []

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("COPY (SELECT '"):
            self.copies.append((sql, list(args[0]) if args else []))
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _costs_warehouse(path: Path) -> None:
    """Daily costs, two rows a day, on days spanning September to November."""
    rows = [{"bucket_start": day, "bucket_end": day + timedelta(days=1), "amount_value": float(n * 10 + i),
             "amount_currency": "usd", "line_item": None, "project_id": f"proj_{i}"}
            for n, day in enumerate(DAYS) for i in range(2)]  # fmt: skip
    with Warehouse(path) as warehouse:
        warehouse.replace_range("acme", "costs", "1d", "", DAYS[0], rows, covered_from=DAYS[0],
                                watermark=DAYS[-1] + timedelta(days=1), synced_at=DAYS[-1])  # fmt: skip


def _export_recording(db: Path, target: Path) -> _Statements:
    with Warehouse(db, read_only=True) as warehouse:
        spy = _Statements(warehouse.connection)
        warehouse._con = spy
        try:
            export_parquet(warehouse, target)
        finally:
            warehouse._con = spy._con
    return spy


def test_each_statement_writes_the_days_of_one_month(tmp_path: Path) -> None:
    _costs_warehouse(tmp_path / "u.duckdb")
    spy = _export_recording(tmp_path / "u.duckdb", tmp_path / "lake")
    starts = [params[2] for sql, params in spy.copies if "'costs_total'" in sql]
    assert [(m.year, m.month) for m in starts] == [(2026, 9), (2026, 10), (2026, 11)]
    assert all("bucket_start < ? + INTERVAL 1 MONTH" in sql for sql, _ in spy.copies)


def test_the_days_of_every_month_are_written_once_and_whole(tmp_path: Path) -> None:
    _costs_warehouse(tmp_path / "u.duckdb")
    _export_recording(tmp_path / "u.duckdb", tmp_path / "lake")
    folders = sorted(p.name for p in (tmp_path / "lake" / "costs_total").iterdir())
    assert folders == [f"date={day.date().isoformat()}" for day in DAYS]
    assert all(re.fullmatch(r"part_0\.parquet", f.name) for f in (tmp_path / "lake").glob("costs_total/*/*"))
    glob = str(tmp_path / "lake" / "costs_total" / "*" / "*.parquet")
    with duckdb.connect() as con:
        found = con.execute(f"SELECT date, project_id, amount_value FROM read_parquet('{glob}', "
                            "hive_partitioning = true) ORDER BY amount_value").fetchall()  # fmt: skip
    assert found == [(day.date(), f"proj_{i}", float(n * 10 + i)) for n, day in enumerate(DAYS) for i in range(2)]


class _FailingSecondCopy(_Statements):
    """A disk that fills up after the first month of a dataset is written."""

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("COPY (SELECT '") and self.copies:
            raise duckdb.IOException("IO Error: No space left on device")
        return super().execute(sql, *args)


def test_an_export_failing_after_some_months_leaves_no_files_and_the_earlier_export_whole(tmp_path: Path) -> None:
    db, lake = tmp_path / "u.duckdb", tmp_path / "lake"
    _costs_warehouse(db)
    _export_recording(db, lake)
    before = sorted(p.relative_to(lake) for p in lake.rglob("*"))
    with Warehouse(db, read_only=True) as warehouse:
        spy = _FailingSecondCopy(warehouse.connection)
        warehouse._con = spy
        try:
            with pytest.raises(duckdb.IOException):
                export_parquet(warehouse, lake)
        finally:
            warehouse._con = spy._con
    assert len(spy.copies) == 1  # one month was written before the failure
    assert sorted(p.relative_to(lake) for p in lake.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake", "u.duckdb"]  # no staging folder left aside
