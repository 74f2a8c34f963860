"""The warehouse store: a signal between COMMIT and the end of `replace_range` leaves the write done and the
signal itself raised (not a DuckDB error about the rollback that no longer has a transaction)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from oai_usage.warehouse import store
from oai_usage.warehouse.store import WRITER_ROW_GROUP, RowBatch, Warehouse

DAY = datetime(2026, 11, 20, tzinfo=UTC)


class _InterruptedAfterCommit:
    """A connection whose COMMIT succeeds and then a Ctrl-C arrives (as Python's handler raises it)."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, *args: Any) -> Any:
        result = self._con.execute(sql, *args)
        if sql == "COMMIT":
            raise KeyboardInterrupt
        return result


def test_a_ctrl_c_just_after_commit_raises_itself_and_keeps_the_write(tmp_path: Path) -> None:
    row = {"bucket_start": DAY, "bucket_end": DAY + timedelta(days=1), "amount_value": 1.5, "amount_currency": "usd",
           "line_item": None, "project_id": "proj_a"}  # fmt: skip
    with Warehouse(tmp_path / "u.duckdb") as warehouse:
        real = warehouse.connection  # opened and kept: the write below uses it
        warehouse._con = _InterruptedAfterCommit(real)
        with pytest.raises(KeyboardInterrupt):
            warehouse.replace_range("acme", "costs", "1d", "project_id", DAY, [row], covered_from=DAY,
                                    watermark=DAY + timedelta(days=1), synced_at=DAY)  # fmt: skip
        warehouse._con = real
        assert warehouse.connection.execute("SELECT project_id, amount_value FROM costs").fetchall() == [
            ("proj_a", 1.5)
        ]
        state = warehouse.state("acme", "costs", "1d", "project_id")
        assert state is not None and state.watermark == DAY + timedelta(days=1)


def test_a_duckdb_file_that_oai_usage_did_not_make_is_left_untouched(tmp_path: Path) -> None:
    import duckdb
    from oai_usage.warehouse.config import ConfigError

    path = tmp_path / "finance.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE costs (invoice VARCHAR, amount DOUBLE)")
        con.execute("INSERT INTO costs VALUES ('inv-1', 12.5)")
    with pytest.raises(ConfigError, match=r"a DuckDB database that oai-usage did not create \(tables: costs\)"):
        Warehouse(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["costs"]
        assert con.execute("SELECT * FROM costs").fetchall() == [("inv-1", 12.5)]


@pytest.mark.parametrize("read_only", [False, True])
def test_a_warehouse_from_a_newer_oai_usage_is_refused(tmp_path: Path, read_only: bool) -> None:
    from oai_usage.warehouse import WarehouseError

    path = tmp_path / "u.duckdb"
    with Warehouse(path) as warehouse:
        warehouse.connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(WarehouseError, match=r"schema version 99, newer than this oai-usage reads \(1\)"):
        Warehouse(path, read_only=read_only)


COSTS_ROW = {"bucket_start": DAY, "bucket_end": DAY + timedelta(days=1), "amount_value": 1.5, "amount_currency": "usd",
             "line_item": None, "project_id": None, "organization_id": "org-Xy12"}  # fmt: skip


def _store(warehouse: Warehouse, row: dict[str, Any]) -> None:
    warehouse.replace_range("acme", "costs", "1d", "", DAY, [row], covered_from=DAY,
                            watermark=DAY + timedelta(days=1), synced_at=DAY)  # fmt: skip


def _rows(warehouse: Warehouse) -> list[dict[str, Any]]:
    return list(warehouse.rows(["acme"], "costs", "1d", "", DAY, DAY + timedelta(days=1)))


def test_costs_rows_keep_the_organization_id_in_its_own_text_column(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "u.duckdb") as warehouse:
        _store(warehouse, COSTS_ROW)
        assert warehouse.connection.execute("SELECT organization_id, extra FROM costs").fetchall() == [
            ("org-Xy12", None)
        ]
        assert _rows(warehouse)[0]["organization_id"] == "org-Xy12"


def _made_before_organization_id(path: Path) -> None:
    """A warehouse as the previous release wrote it: no `organization_id` column; the key went to `extra`."""
    with Warehouse(path) as warehouse:
        con = warehouse.connection
        con.execute("ALTER TABLE costs DROP COLUMN organization_id")
        con.execute(
            "INSERT INTO costs (organization, width, grouping, bucket_start, bucket_end, result_index, amount_value, "
            "amount_currency, extra) VALUES ('acme', '1d', '', ?, ?, 0, 2.5, 'usd', ?)",
            [DAY.replace(tzinfo=None), (DAY + timedelta(days=1)).replace(tzinfo=None),
             '{"organization_id": "org-Old1"}'],
        )  # fmt: skip


def test_an_older_warehouse_reads_read_only_with_the_organization_id_from_extra(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _made_before_organization_id(path)
    with Warehouse(path, read_only=True) as warehouse:
        rows = _rows(warehouse)
    assert [(r["amount_value"], r["organization_id"]) for r in rows] == [(2.5, "org-Old1")]


def test_an_older_warehouse_gains_the_column_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _made_before_organization_id(path)
    with Warehouse(path) as warehouse:
        _store(warehouse, COSTS_ROW)
        assert warehouse.connection.execute("SELECT organization_id FROM costs").fetchall() == [("org-Xy12",)]


def test_the_writer_stores_rows_in_row_groups_of_writer_row_group_rows(tmp_path: Path) -> None:
    # A checkpoint rewrites the row group new rows were appended to: its size bounds a sync's peak memory.
    rows = [{"bucket_start": DAY + timedelta(minutes=i), "bucket_end": DAY + timedelta(minutes=i + 1),
             "amount_value": float(i), "amount_currency": "usd", "line_item": None, "project_id": "proj_a"}
            for i in range(2 * WRITER_ROW_GROUP + 1)]  # fmt: skip
    with Warehouse(tmp_path / "u.duckdb") as warehouse:
        warehouse.replace_range("acme", "costs", "1d", "project_id", DAY, rows, covered_from=DAY,
                                watermark=DAY + timedelta(days=1), synced_at=DAY)  # fmt: skip
    with Warehouse(tmp_path / "u.duckdb", read_only=True) as reader:
        found = reader.connection.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('costs')")
        assert found.fetchall() == [(3,)]


def _costs_rows(count: int) -> list[dict[str, Any]]:
    """`count` rows of one daily costs bucket, in the API's order (amount_value = place in the bucket)."""
    end = DAY + timedelta(days=1)
    return [{"bucket_start": DAY, "bucket_end": end, "amount_value": float(i), "amount_currency": "usd",
             "line_item": f"item {i}", "project_id": "proj_a"} for i in range(count)]  # fmt: skip


def test_a_batch_cuts_its_rows_into_slices_of_at_most_slice_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each slice is one INSERT: DuckDB's working memory for a statement grows with its rows.
    monkeypatch.setattr(store, "SLICE_ROWS", 3)
    batch = RowBatch("costs")
    batch.add_rows(_costs_rows(7))
    assert [count for count, _ in batch.slices] == [3, 3, 1]
    assert len(batch) == 7


def test_rows_cut_into_slices_keep_their_places_in_the_bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "SLICE_ROWS", 3)
    with Warehouse(tmp_path / "u.duckdb") as warehouse:
        warehouse.replace_range("acme", "costs", "1d", "", DAY, _costs_rows(7), covered_from=DAY,
                                watermark=DAY + timedelta(days=1), synced_at=DAY)  # fmt: skip
        stored = warehouse.connection.execute("SELECT result_index, amount_value FROM costs ORDER BY amount_value")
        assert stored.fetchall() == [(i, float(i)) for i in range(7)]
        assert [r["line_item"] for r in _rows(warehouse)] == [f"item {i}" for i in range(7)]


def test_a_writer_closes_the_file_once_it_has_written_session_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Until the close (a checkpoint) DuckDB holds the rows written in memory: a burst of writes shares one open
    # only up to SESSION_ROWS rows, however quickly the writes follow each other.
    monkeypatch.setattr(store, "SESSION_ROWS", 5)
    monkeypatch.setattr(store, "HOLD_SECONDS", 3600.0)
    monkeypatch.setattr(store, "LINGER_SECONDS", 3600.0)
    warehouse = Warehouse(tmp_path / "u.duckdb")
    try:
        marks = {"covered_from": DAY, "watermark": DAY + timedelta(days=1), "synced_at": DAY}
        warehouse.replace_range("acme", "costs", "1d", "", DAY, _costs_rows(3), **marks)
        assert warehouse._con is not None  # 3 rows: kept open for the next write
        warehouse.replace_range("acme", "costs", "1d", "project_id", DAY, _costs_rows(3), **marks)
        assert warehouse._con is None  # 6 rows since it opened: closed at once
        warehouse.replace_range("acme", "costs", "1d", "line_item", DAY, _costs_rows(3), **marks)
        assert warehouse._con is not None  # a new open counts from zero
    finally:
        warehouse.close()


def test_a_writer_opens_a_file_whose_path_has_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "it's" / "o'brien.duckdb"
    path.parent.mkdir()
    with Warehouse(path) as warehouse:
        warehouse.connection.execute("SELECT 1").fetchall()
    with Warehouse(path, read_only=True) as reader:
        assert reader.states() == []
