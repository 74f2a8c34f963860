"""A sync tells its progress as it goes (the command line draws it on a terminal): each unit, each chunk stored."""

from __future__ import annotations

from pathlib import Path

from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import UnitReport, sync

from .conftest import SMALL, START, sandbox_client


class Told:
    def __init__(self) -> None:
        self.started: list[tuple[str, int]] = []
        self.chunks: list[tuple[str, int]] = []
        self.done: list[str] = []

    def start(self, organization: str, units: int) -> None:
        self.started.append((organization, units))

    def chunk(self, unit: UnitReport) -> None:
        self.chunks.append((f"{unit.endpoint} {unit.width} {unit.grouping}", unit.rows))

    def unit_done(self, unit: UnitReport) -> None:
        self.done.append(f"{unit.endpoint} {unit.width} {unit.grouping}")


def test_a_sync_tells_every_unit_and_every_batch_it_stores(db: Path) -> None:
    told = Told()
    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        report = sync(warehouse, client, SMALL, "acme", now=START, progress=told)
    units = [f"{u.endpoint} {u.width} {u.grouping}" for u in report.units]
    assert told.started == [("acme", len(SMALL.units(None)))]
    assert sorted(told.done) == sorted(units)
    assert len(told.chunks) == sum(u.batches for u in report.units) >= sum(len(u.ranges) for u in report.units)
    last_rows = {name: rows for name, rows in told.chunks}
    assert last_rows == {f"{u.endpoint} {u.width} {u.grouping}": u.rows for u in report.units}
