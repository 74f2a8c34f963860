"""`export --parquet`: one dataset per grouping, safe to sum (issue 20). The queries of docs/warehouse.md run against an
export of a sandbox sync, and every costs dataset's total equals the costs API's for that grouping."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from oai_usage import UsageClient
from oai_usage.cli.main import run
from oai_usage.warehouse.export import dataset_name
from oai_usage.warehouse.store import Warehouse
from oai_usage_sandbox import SandboxConfig, SandboxTransport

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default-plan sandbox sync of costs and completions over 10 days, with the names."""
    path = tmp_path_factory.mktemp("dataset") / "usage.duckdb"
    argv = ["--sandbox", "sync", "--db", str(path), "--since", "10d", "--endpoints", "costs,completions"]
    assert run(argv, now=HOUR_NOW) == 0
    return path


@pytest.fixture(scope="module")
def lake(db: Path) -> Path:
    target = db.with_name("lake")
    assert run(["export", "--db", str(db), "--parquet", str(target)], now=HOUR_NOW) == 0
    return target


def _units(db: Path, endpoint: str) -> list[tuple[str, str, datetime, datetime]]:
    """(width, grouping, covered_from, watermark) of each unit of `endpoint` stored."""
    with Warehouse(db, read_only=True) as warehouse:
        return [(w, g, s.covered_from, s.watermark) for _, e, w, g, s in warehouse.states() if e == endpoint]


def _api_spend(grouping: str, start: datetime, end: datetime) -> float:
    """The costs API's total over [start, end) with that grouping: the sandbox the CLI's --sandbox uses."""
    moment = int(HOUR_NOW.timestamp())
    transport = SandboxTransport(SandboxConfig(now=moment))
    client = UsageClient("sk-admin-sandbox", base_url="https://sandbox.oai-usage.invalid/v1", transport=transport,
                         clock=lambda: float(moment))  # fmt: skip
    params: dict[str, Any] = {"start_time": start, "end_time": end, "bucket_width": "1d"}
    if grouping:
        params["group_by"] = grouping.split(",")
    with client:
        return sum(row.get("amount_value") or 0.0 for row in client.query("costs", **params).rows())


def _readme_queries() -> list[str]:
    """The SQL blocks of docs/warehouse.md's "Reading the export"."""
    text = (REPO / "docs" / "warehouse.md").read_text(encoding="utf-8")
    section = text[text.index("### Reading the export") :]
    section = section[: section.index("\n## ")]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def _sql(query: str, lake: Path) -> list[tuple[Any, ...]]:
    return duckdb.connect().execute(query.replace("'lake/", f"'{lake}/")).fetchall()


def test_each_costs_dataset_sums_to_the_costs_apis_total_for_its_grouping(db: Path, lake: Path) -> None:
    units = _units(db, "costs")
    assert len(units) >= 3  # the default plan: every dimension, project and line item, no grouping
    for _width, grouping, start, end in units:
        folder = lake / dataset_name("costs", "1d", grouping)
        (found,) = _sql(f"SELECT sum(amount_value) FROM read_parquet('{folder}/**/*.parquet', "
                        "hive_partitioning = true)", lake)  # fmt: skip
        assert found[0] == pytest.approx(_api_spend(grouping, start, end), rel=1e-9), grouping


def test_the_natural_glob_over_one_dataset_parses_its_hive_partition(lake: Path) -> None:
    rows = _sql("SELECT DISTINCT typeof(date), dataset FROM read_parquet('lake/costs_total/**/*.parquet', "
                "hive_partitioning = true)", lake)  # fmt: skip
    assert rows == [("DATE", "costs_total")]


def test_the_names_lie_outside_every_datasets_glob(lake: Path) -> None:
    assert {p.name for p in (lake / "names").iterdir()} == {"projects.parquet", "api_keys.parquet", "users.parquet"}
    datasets = [p for p in lake.iterdir() if p.is_dir() and p.name != "names"]
    assert datasets and all(d.name.startswith(("costs", "completions")) for d in datasets)
    every = _sql("SELECT count(*), count(DISTINCT dataset) FROM read_parquet('lake/*/*/*.parquet', "
                 "hive_partitioning = true, union_by_name = true)", lake)  # fmt: skip
    assert every[0][1] == len(datasets)


def test_every_dataset_holds_each_unit_once(db: Path, lake: Path) -> None:
    with Warehouse(db, read_only=True) as warehouse:
        held = warehouse.connection.execute(
            "SELECT width, grouping, count(*) FROM usage_completions GROUP BY ALL"
        ).fetchall()
    for width, grouping, count in held:
        folder = lake / dataset_name("completions", width, grouping)
        assert _sql(f"SELECT count(*) FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true)",
                    lake) == [(count,)]  # fmt: skip


def test_the_export_uses_standard_parquet_types(lake: Path) -> None:
    files = "lake/costs_by_project_id_and_line_item/*/*.parquet"
    schema = _sql(f"SELECT name, type, logical_type FROM parquet_schema('{files}')", lake)
    types = {name: (kind, str(logical)) for name, kind, logical in schema}
    for column in ("bucket_start", "bucket_end"):
        assert types[column][0] == "INT64" and "isAdjustedToUTC=1" in types[column][1]
        assert "MICROS=MicroSeconds()" in types[column][1]
    assert types["amount_value"][0] == "DOUBLE"
    assert not any("UINT" in logical or "isSigned=0" in logical for _, logical in types.values())
    names = _sql("SELECT name, logical_type FROM parquet_schema('lake/names/projects.parquet')", lake)
    assert "isAdjustedToUTC=1" in str(dict(names)["synced_at"])


def test_the_timestamps_read_back_as_the_utc_buckets(db: Path, lake: Path) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")  # a reader's own zone changes how they print, not the moment
    first = con.execute(f"SELECT min(bucket_start) FROM read_parquet('{lake}/costs_total/**/*.parquet', "
                        "hive_partitioning = true)").fetchone()  # fmt: skip
    units = _units(db, "costs")
    assert first is not None and first[0] == min(start for *_, start, _end in units)


def test_every_readme_query_runs_against_the_export(lake: Path) -> None:
    queries = _readme_queries()
    assert len(queries) >= 5
    for query in queries:
        assert _sql(query, lake), query


def test_the_readme_spend_per_organization_equals_the_costs_api(db: Path, lake: Path) -> None:
    ((organization, currency, spend),) = _sql(_readme_queries()[0], lake)
    (_, grouping, start, end) = next(u for u in _units(db, "costs") if u[1] == "")
    assert (organization, currency) == ("sandbox", "usd")
    assert spend == pytest.approx(_api_spend(grouping, start, end), rel=1e-9)


def test_the_readme_spend_per_day_and_project_adds_up_to_the_total(lake: Path) -> None:
    total = _sql(_readme_queries()[0], lake)[0][2]
    per_day = _sql(_readme_queries()[1], lake)
    assert len({row[0] for row in per_day}) == 10 and len({row[2] for row in per_day}) > 1
    assert sum(row[3] for row in per_day) == pytest.approx(total, rel=1e-9)


def test_the_readme_join_to_names_shows_every_project_with_spend_by_name(db: Path, lake: Path) -> None:
    by_name = _sql(_readme_queries()[2], lake)
    with Warehouse(db, read_only=True) as warehouse:
        names = {n for (n,) in warehouse.connection.execute("SELECT name FROM names_projects").fetchall()}
    assert len(by_name) > 1 and {project for _, project, _ in by_name} <= names | {None, ""}
    assert sum(spend for *_, spend in by_name) == pytest.approx(_sql(_readme_queries()[0], lake)[0][2], rel=1e-9)
