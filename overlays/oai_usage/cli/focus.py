"""Internal: `oai-usage export --focus FILE`: daily costs as a FOCUS 1.2 dataset (CSV or Parquet by the file's
extension).

From the warehouse (`--db`, the default database, or the sandbox's with `--sandbox`), which keeps costs daily by
project and line item: every complete UTC day it holds, or `--start`/`--end`. With `--live`, from the Costs API
instead (OPENAI_ADMIN_KEY, or the in-process sandbox with `--sandbox`): `--start`/`--end`, by default the last
complete calendar month. Both give the same rows for the same days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from . import dates
from .database import database_errors, database_path, load_sync_config
from .options import Connection, Database
from .output import visible

__all__ = ["GROUPING", "FocusOptions", "run_focus"]

GROUPING = ("project_id", "line_item")
"""The costs grouping a FOCUS row stands for: one project's line item on one day (kept by the default sync plan)."""


@dataclass(frozen=True)
class FocusOptions:
    """What `export --focus` was asked: the target file, the days, and where the costs come from."""

    now: datetime
    connection: Connection
    database: Database
    target: Path
    live: bool
    start: str | None
    end: str | None
    csv_raw: bool


def _day(text: str | None, option: str, now: datetime) -> datetime | None:
    if text is None:
        return None
    moment = dates.parse_when(text, now=now, option=option)
    if not dates.is_midnight(moment, UTC):
        raise ValidationError(f"{option} {text}: costs are daily UTC buckets; give a date (YYYY-MM-DD)", param=option)
    return moment.astimezone(UTC)


def _check(start: datetime, end: datetime) -> None:
    if end <= start:
        raise ValidationError(f"--end ({end:%Y-%m-%d}) must be after --start ({start:%Y-%m-%d})", param="--end")


def run_focus(options: FocusOptions) -> int:
    from ..warehouse.focus import FOCUS_VERSION, focus_format, write_focus
    from .output import CsvWriter

    target, now = options.target, options.now
    focus_format(target)  # a wrong extension costs no API call and opens no database
    start = _day(options.start, "--start", now)
    end = _day(options.end, "--end", now)
    if options.live:
        rows, start, end = _live(options, now, start, end)
    else:
        rows, start, end = _stored(options, start, end)
    count = write_focus(rows, target, lambda out: CsvWriter(out, raw=options.csv_raw))  # as every CSV of the CLI
    print(f"exported {count} FOCUS {FOCUS_VERSION} rows ({start:%Y-%m-%d} to {end:%Y-%m-%d}, end exclusive) to "
          f"{visible(str(target))}")  # fmt: skip
    return 0


def _live(
    options: FocusOptions, now: datetime, start: datetime | None, end: datetime | None
) -> tuple[list[tuple[Any, ...]], datetime, datetime]:
    from ..warehouse.focus import FocusAccount, focus_rows
    from . import connect
    from .organization import load_directory

    with connect.open_client(options.connection, now) as client:
        now = connect.server_now(client, options.connection, now)
        this_month = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = end or this_month
        start = start or (this_month - timedelta(days=1)).replace(day=1)
        _check(start, end)
        dates.check_not_future(start, end, now)
        params = {"start_time": start, "end_time": end, "bucket_width": "1d", "group_by": list(GROUPING)}
        costs = list(connect.rows_with_progress(client, "costs", params))
        directory = load_directory(client)
        names = {pid: info.name for pid, info in directory.projects.items()} if directory is not None else {}
    return focus_rows(costs, FocusAccount(None, None), names), start, end


def _stored(
    options: FocusOptions, start: datetime | None, end: datetime | None
) -> tuple[list[tuple[Any, ...]], datetime, datetime]:
    from ..warehouse import require_duckdb
    from ..warehouse.focus import FocusAccount, focus_rows, row_order
    from ..warehouse.names import project_names
    from ..warehouse.report_rows import CoverageError, WarehouseRows
    from ..warehouse.store import Warehouse
    from ..warehouse.sync import floor_to

    require_duckdb("export --focus")
    config = load_sync_config(options.database.config)
    path = database_path(options.database, config, must_exist=True)
    grouping = ",".join(GROUPING)
    rows: list[tuple[Any, ...]] = []
    # A reader takes no lock of its own: it reads the last committed state, beside a sync (see store.Warehouse).
    with database_errors(path), Warehouse(path, read_only=True, wait=options.database.wait) as warehouse:
        held = warehouse.organizations()
        states = {org: warehouse.state(org, "costs", "1d", grouping) for org in held}
        kept = {org: s for org, s in states.items() if s is not None}
        if not kept:
            raise CoverageError(f"--db {path} holds no costs 1d by {grouping}; keep it in the plan (the default "
                                "plan does) and run oai-usage sync")  # fmt: skip
        first = start or min(s.covered_from for s in kept.values())
        last = end or min(floor_to(s.watermark, "1d") for s in kept.values())
        _check(first, last)
        for org in sorted(kept):
            source = WarehouseRows(warehouse, [org])
            costs = source("costs", {"start_time": first, "end_time": last, "group_by": list(GROUPING)})
            rows += focus_rows(costs, FocusAccount(org, None), project_names(warehouse, [org]))
    rows.sort(key=row_order)
    return rows, first, last
