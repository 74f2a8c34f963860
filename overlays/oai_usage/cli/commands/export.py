"""Internal: `oai-usage export`: the warehouse as a Parquet dataset (`--parquet DIR`), or daily costs as FOCUS 1.2
(`--focus FILE`, from the warehouse or, with `--live`, from the Costs API)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ...errors import ValidationError
from ..database import database_errors, database_path, load_sync_config
from ..options import Connection, Database, add_config, add_csv_raw, add_database
from ..output import visible
from .base import CommandSet

__all__ = ["Options", "register", "run"]


def register(commands: CommandSet) -> None:
    export = commands.add("export", "write the warehouse as Parquet, or daily costs as FOCUS (--focus)",
                          sys.modules[__name__])  # fmt: skip
    if not commands.wanted("export"):
        return
    add_database(export)
    add_config(export)
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--parquet", metavar="DIR",
                        help="write a Hive-partitioned Parquet dataset (endpoint=, date=) into DIR")  # fmt: skip
    target.add_argument("--focus", metavar="FILE", help="write daily costs as a FOCUS 1.2 dataset: FILE.csv or "
                        "FILE.parquet (see --live, --start, --end)")  # fmt: skip
    export.add_argument("--live", action="store_true", help="with --focus: read the Costs API (OPENAI_ADMIN_KEY, or "
                        "the built-in sandbox with --sandbox), not the warehouse")  # fmt: skip
    export.add_argument("--start", help="with --focus: the first UTC day (default: the first day the warehouse "
                        "holds; with --live, the first day of the last complete month)")  # fmt: skip
    export.add_argument("--end", help="with --focus: the UTC day after the last one, exclusive (default: the last "
                        "complete day held; with --live, the first day of the current month)")  # fmt: skip
    add_csv_raw(export)


@dataclass(frozen=True)
class Options:
    """What an export was asked: the database (or, with --live, the API), the target, the FOCUS days."""

    now: datetime
    connection: Connection
    database: Database
    parquet: Path | None
    focus: Path | None
    live: bool
    start: str | None
    end: str | None
    csv_raw: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(now=now, connection=Connection.from_args(args), database=Database.from_args(args),
                   parquet=None if args.parquet is None else Path(args.parquet),
                   focus=None if args.focus is None else Path(args.focus), live=args.live, start=args.start,
                   end=args.end, csv_raw=args.csv_raw)  # fmt: skip


def run(options: Options) -> int:
    if options.focus is not None:
        from ..focus import FocusOptions, run_focus

        return run_focus(FocusOptions(options.now, options.connection, options.database, options.focus,
                                      options.live, options.start, options.end, options.csv_raw))  # fmt: skip
    assert options.parquet is not None  # argparse: one of --parquet and --focus is required
    # `export --parquet` writes every table whole: --live, --start and --end are refused, not ignored.
    given = [flag for flag, value in (("--live", options.live), ("--start", options.start), ("--end", options.end))
             if value]  # fmt: skip
    if given:
        raise ValidationError(f"{given[0]} goes with --focus; --parquet writes the whole warehouse", param=given[0])
    return _parquet(options.database, options.parquet)


def _parquet(database: Database, target: Path) -> int:
    from ...warehouse import require_duckdb
    from ...warehouse.export import export_parquet
    from ...warehouse.store import Warehouse

    require_duckdb("export")
    config = load_sync_config(database.config)
    path = database_path(database, config, must_exist=True)
    # A reader takes no lock of its own: it reads the last committed state, beside a sync (see store.Warehouse).
    with database_errors(path), Warehouse(path, read_only=True, wait=database.wait) as warehouse:
        counts = export_parquet(warehouse, target)
    rows = {k: c for k, c in counts.items() if not k.startswith("names_")}
    names = sum(c for k, c in counts.items() if k.startswith("names_"))
    print(f"exported {sum(rows.values())} rows of {sum(1 for c in rows.values() if c)} endpoints"
          + (f" and {names} names" if names else "") + f" to {visible(str(target))}")  # fmt: skip
    return 0
