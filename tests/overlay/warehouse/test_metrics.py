"""The warehouse's figures as Prometheus metrics (`oai_usage.warehouse.metrics`): the text format as Prometheus'
own parser reads it, the naming conventions, one organization label per profile, the figures against the report's
computations, and the spend limits a sync stores (`oai_usage.warehouse.limits`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from oai_usage.errors import PermissionDeniedError
from oai_usage.lists import SpendLimit
from oai_usage.warehouse.limits import read_limits, store_limits, sync_limits
from oai_usage.warehouse.lock import database_lock
from oai_usage.warehouse.metrics import METRICS, Family, MetricSpec, collect, exposition, render
from oai_usage.warehouse.store import Warehouse
from prometheus_client.parser import text_string_to_metric_families

from tests.overlay.warehouse.conftest import sync_organizations

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
ENDPOINTS = ("costs", "completions", "embeddings")
UNITS = ("_usd", "_seconds", "_tokens")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("metrics-two") / "usage.duckdb"
    return sync_organizations(path, ["acme", "beta"], HOUR_NOW, endpoints=ENDPOINTS, limits=True)


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("metrics-one") / "usage.duckdb"
    return sync_organizations(path, ["acme"], HOUR_NOW, endpoints=ENDPOINTS)


@pytest.fixture
def reader(both: Path) -> Iterator[Warehouse]:
    with Warehouse(both, read_only=True) as warehouse:
        yield warehouse


def _parsed(text: str) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _values(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    family = _parsed(text)[name]
    return {tuple(sorted(s.labels.items())): s.value for s in family.samples}


def test_prometheus_parser_reads_every_family_as_a_gauge_with_its_help(reader: Warehouse) -> None:
    families = _parsed(exposition(reader))
    assert set(families) == {spec.name for spec in METRICS}
    assert {f.type for f in families.values()} == {"gauge"}
    assert all(f.documentation for f in families.values())


def test_every_family_but_the_limits_has_samples_of_the_sandbox(acme: Path) -> None:
    with Warehouse(acme, read_only=True) as warehouse:
        families = _parsed(exposition(warehouse))
    empty = {name for name, family in families.items() if not family.samples}
    assert empty == {"oai_usage_organization_spend_limit_usd", "oai_usage_project_spend_limit_usd"}  # never synced


def test_names_have_the_prefix_a_unit_last_and_no_total() -> None:
    for spec in METRICS:
        assert re.fullmatch(r"oai_usage_[a-z_]+", spec.name), spec.name
        assert spec.name.endswith(UNITS) and not spec.name.endswith("_total"), spec.name


def test_every_family_carries_the_organization_label_and_no_date_or_email_label() -> None:
    for spec in METRICS:
        assert spec.labels[0] == "organization"
        assert not {"date", "day", "email", "user_id", "user_email", "api_key_id"} & set(spec.labels)


def test_no_label_value_is_a_date_or_an_email(reader: Warehouse) -> None:
    for family in text_string_to_metric_families(exposition(reader)):
        for sample in family.samples:
            for value in sample.labels.values():
                # a model snapshot holds a date (gpt-4o-2024-08-06); a value that is a date or a time does not
                assert not re.match(r"\d{4}-\d{2}-\d{2}", value) and "@" not in value, (family.name, value)


def test_each_profile_is_one_organization_label_with_its_own_figures(both: Path, acme: Path) -> None:
    with Warehouse(both, read_only=True) as warehouse:
        text = exposition(warehouse)
    with Warehouse(acme, read_only=True) as warehouse:
        alone = exposition(warehouse)
    name = "oai_usage_project_spend_month_to_date_usd"
    organizations = {dict(labels)["organization"] for labels in _values(text, name)}
    assert organizations == {"acme", "beta"}
    only_acme = {k: v for k, v in _values(text, name).items() if dict(k)["organization"] == "acme"}
    assert only_acme == _values(alone, name)


def test_collect_keeps_to_the_organizations_asked(reader: Warehouse) -> None:
    families = collect(reader, ["beta"])
    assert {s.labels[0] for f in families for s in f.samples} == {"beta"}


def test_label_values_with_backslash_quote_and_newline_round_trip_through_the_parser() -> None:
    spec = MetricSpec("oai_usage_test_usd", ("organization", "project_name"), "a help with \\ and\nnewline")
    family = Family(spec)
    tricky = 'Ops "prod"\\eu\nline two'
    family.add(1.5, "acme", tricky)
    parsed = _parsed(render([family]))["oai_usage_test_usd"]
    assert parsed.samples[0].labels == {"organization": "acme", "project_name": tricky}
    assert parsed.samples[0].value == 1.5
    assert parsed.documentation == "a help with \\ and\nnewline"


def test_a_sample_with_the_wrong_number_of_labels_is_refused() -> None:
    family = Family(METRICS[0])
    with pytest.raises(ValueError, match="1 labels"):
        family.add(1.0, "acme", "extra")


def test_clean_is_applied_to_label_values(reader: Warehouse) -> None:
    text = exposition(reader, ["acme"], clean=lambda s: s.upper())
    assert 'organization="ACME"' in text and 'organization="acme"' not in text


def test_the_month_to_date_of_the_organization_is_the_sum_of_its_projects(reader: Warehouse) -> None:
    text = exposition(reader, ["acme"])
    projects = sum(_values(text, "oai_usage_project_spend_month_to_date_usd").values())
    (organization,) = _values(text, "oai_usage_organization_spend_month_to_date_usd").values()
    assert projects > 0 and organization == pytest.approx(projects, rel=1e-12)


def test_the_projection_is_the_reports_for_a_projects_daily_spend(reader: Warehouse) -> None:
    from oai_usage.report.limits import limit_line
    from oai_usage.warehouse.report_rows import WarehouseRows

    source = WarehouseRows(reader, ["acme"])
    params = {"bucket_width": "1d", "group_by": ["project_id", "line_item"],
              "start_time": datetime(2026, 10, 1, tzinfo=UTC), "end_time": source.data_end()}  # fmt: skip
    daily: dict[str, dict[date, float]] = {}
    for row in source("costs", params):
        per = daily.setdefault(str(row["project_id"]), {})
        day = row["bucket_start"].date()
        per[day] = per.get(day, 0.0) + float(row["amount_value"])
    text = exposition(reader, ["acme"])
    emitted = _values(text, "oai_usage_project_spend_projected_month_end_usd")
    projected = {dict(k)["project_id"]: v for k, v in emitted.items()}
    for project, per in daily.items():
        line = limit_line(project, "", Decimal(1), per, date(2026, 11, 24))
        assert projected[project] == pytest.approx(float(line.projected), rel=1e-12)


def test_the_last_day_is_the_day_before_the_data_end(reader: Warehouse) -> None:
    text = exposition(reader, ["acme"])
    (day,) = _values(text, "oai_usage_last_day_timestamp_seconds").values()
    (end,) = _values(text, "oai_usage_data_end_timestamp_seconds").values()
    assert day == datetime(2026, 11, 23, tzinfo=UTC).timestamp()
    assert end == HOUR_NOW.timestamp()


def test_the_last_days_tokens_have_an_input_and_an_output_type(reader: Warehouse) -> None:
    text = exposition(reader, ["acme"])
    types = {dict(k)["token_type"] for k in _values(text, "oai_usage_last_day_tokens")}
    assert types == {"input", "output"}


def test_stored_limits_are_emitted_in_dollars(reader: Warehouse) -> None:
    text = exposition(reader, ["acme"])
    stored = read_limits(reader, "acme")
    assert stored
    emitted = _values(text, "oai_usage_project_spend_limit_usd")
    assert {dict(k)["project_id"]: v for k, v in emitted.items()} == {
        scope: float(amount) for scope, (amount, _) in stored.items() if scope
    }


def test_a_read_works_while_a_sync_holds_the_database_lock(both: Path) -> None:
    with database_lock(both, what="sync"), Warehouse(both, read_only=True) as warehouse:
        assert "oai_usage_organization_spend_month_to_date_usd{" in exposition(warehouse)


def _limit(amount: str, project: str | None = None) -> SpendLimit:
    return SpendLimit(Decimal(amount), "USD", "month", "enforcing", project)


def test_a_scope_read_with_no_limit_loses_its_stored_row(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        store_limits(warehouse, "acme", [("", _limit("100.25")), ("proj_a", _limit("7", "proj_a"))], HOUR_NOW)
        store_limits(warehouse, "acme", [("proj_a", None)], HOUR_NOW)
        assert read_limits(warehouse, "acme") == {"": (Decimal("100.25"), "USD")}


class _Refusing:
    """A client whose organization limit reads and whose project limits are refused (403)."""

    max_concurrency = 2

    def spend_limit(self) -> SpendLimit:
        return _limit("500")

    def project_spend_limit(self, project_id: str) -> SpendLimit:
        raise PermissionDeniedError("not allowed", status_code=403)


def test_a_refused_project_limit_keeps_what_was_stored(both: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(both.read_bytes())
    with Warehouse(copy) as warehouse:
        before = read_limits(warehouse, "acme")
        done = sync_limits(warehouse, _Refusing(), "acme", synced_at=HOUR_NOW)  # type: ignore[arg-type]
        after = read_limits(warehouse, "acme")
    assert done.refused > 0 and done.stored == 1
    assert after == {**before, "": (Decimal("500"), "USD")}
