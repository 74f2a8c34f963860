"""The units of a sync start longest first (so that no long unit is left alone at the end, when the allowance
would go unused), while the report and the first error keep the plan's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from oai_usage.warehouse.config import DEFAULT_PLAN, PlanEntry, SyncConfig, Unit
from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import UnitReport, estimated_pages, longest_first, sync

from .conftest import SMALL, START, sandbox_client

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("unit", "days", "pages"),
    [
        (Unit("completions", "1d", ("model",), None), 365, 12),  # 31 daily buckets a page
        (Unit("costs", "1d", ("project_id", "line_item"), None), 365, 12),  # grouped costs: 31 days a page
        (Unit("costs", "1d", (), None), 365, 3),  # costs in total: 180 days a page
        (Unit("embeddings", "1h", (), None), 61, 9),  # 1,464 hourly buckets, 168 a page
        (Unit("completions", "1m", ("model",), None), 2, 2),  # 1,440 minutes a page
        (Unit("completions", "1d", (), None), 1, 1),
    ],
)
def test_a_units_pages_are_its_buckets_over_the_widths_page_size(unit: Unit, days: int, pages: int) -> None:
    assert estimated_pages(unit, NOW - timedelta(days=days), NOW) == pages


def test_the_default_plan_starts_with_its_year_long_units_most_dimensions_first() -> None:
    config = SyncConfig(plan=DEFAULT_PLAN)
    units = config.units(None)
    since = NOW - timedelta(days=365)
    order = longest_first(units, config, NOW, since)
    assert sorted(order, key=units.index) == units  # the same units, reordered
    pages = {u: estimated_pages(u, since, NOW) for u in units}
    assert [pages[u] for u in order] == sorted(pages.values(), reverse=True)
    assert len(order[0].group_by) == max(len(u.group_by) for u in units if pages[u] == pages[order[0]])


def test_without_since_each_unit_is_weighed_over_its_own_history() -> None:
    config = SyncConfig(
        since="30d",
        plan=(PlanEntry("1h", (), ("completions",), since="2d"), PlanEntry("1d", (), ("embeddings",), since="400d")),
    )
    units = config.units(None)
    assert [u.endpoint for u in longest_first(units, config, NOW)] == ["embeddings", "completions"]


class Recorder:
    """A SyncProgress that notes the units in the order they finish."""

    def __init__(self) -> None:
        self.done: list[tuple[str, str, str]] = []

    def start(self, organization: str, units: int) -> None:
        pass

    def chunk(self, unit: UnitReport) -> None:
        pass

    def unit_done(self, unit: UnitReport) -> None:
        self.done.append((unit.endpoint, unit.width, unit.grouping))


def test_one_unit_at_a_time_runs_them_longest_first_and_reports_them_in_plan_order(db: Path) -> None:
    recorder = Recorder()
    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        report = sync(warehouse, client, SMALL, "acme", now=START, units_at_once=1, progress=recorder)
    units = SMALL.units(None)
    expected = [(u.endpoint, u.width, u.grouping) for u in longest_first(units, SMALL, START)]
    assert recorder.done == expected
    assert expected != [(u.endpoint, u.width, u.grouping) for u in units]  # the test would prove nothing otherwise
    assert [(u.endpoint, u.width, u.grouping) for u in report.units] == [
        (u.endpoint, u.width, u.grouping) for u in units
    ]
