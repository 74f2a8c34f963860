"""Internal: `oai-usage report --db`: the report's rows from the warehouse (its options, the organizations it
holds, their project names). The sync and export commands live in `cli/commands/sync.py` and `export.py`."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .database import database_errors, database_path, load_sync_config
from .options import Database, add_database, add_profile

if TYPE_CHECKING:
    from ..warehouse.config import SyncConfig
    from ..warehouse.report_rows import WarehouseRows
    from .report import Report

__all__ = ["add_report_db_options", "name_report", "report_source", "report_sources"]


def add_report_db_options(parser: argparse.ArgumentParser) -> None:
    """report --db PATH [--profile NAME] [--config FILE] [--wait S]: the report from the warehouse, no API call."""
    add_database(parser, db_help="report from this warehouse (oai-usage sync), with no API call: figures and names "
                 "as of the last sync; spend limits are live data, left out",
                 wait_help="with --db: wait up to SECONDS for a sync holding the database")  # fmt: skip
    add_profile(parser, all_profiles=True, config_help="oai-usage.toml (for --db's default path)",
                profile_help="with --db: the organization (default: the only one it holds)",
                all_profiles_help="with --db: each organization it holds, and their total")  # fmt: skip


# The report-db functions below still take the Namespace (until `report` becomes a command module of its own).
def _config(args: argparse.Namespace) -> SyncConfig:
    return load_sync_config(getattr(args, "config", None))


def _database(args: argparse.Namespace, config: SyncConfig, *, must_exist: bool) -> Path:
    return database_path(Database.from_args(args), config, must_exist=must_exist)


_database_errors = database_errors


@contextmanager
def report_source(args: argparse.Namespace) -> Iterator[tuple[WarehouseRows, datetime]]:
    """The warehouse rows of one organization for `report --db`, and the time of their data (the last sync).

    The organization is `--profile`, or the only one the database holds; with several and no `--profile`, a
    ConfigError naming them (exit 2): figures of two organizations are never added up unasked (`--all-profiles`
    shows each and their total, see report_sources). No lock is taken: the last committed state is read, also
    while a sync runs."""
    from ..warehouse.report_rows import CoverageError, WarehouseRows

    with _open_for_report(args) as (warehouse, path):
        held = warehouse.organizations()
        if args.profile and args.profile not in held:
            raise CoverageError(f"--profile {args.profile}: {path} holds no data for it; it holds: "
                                f"{', '.join(held) or 'nothing yet'}")  # fmt: skip
        if not args.profile and len(held) > 1:
            raise CoverageError(f"--db {path} holds {len(held)} organizations ({', '.join(held)}): choose one with "
                                "--profile NAME, or --all-profiles for each and their total")  # fmt: skip
        source = WarehouseRows(warehouse, [args.profile] if args.profile else held)
        yield source, source.data_end()


@contextmanager
def report_sources(args: argparse.Namespace) -> Iterator[tuple[list[WarehouseRows], WarehouseRows, datetime]]:
    """`report --db --all-profiles`: the rows of each organization the database holds, the rows of all of them
    (their total), and the time of the data: the last sync common to all, so every part covers the same period."""
    from ..warehouse.report_rows import WarehouseRows

    if args.profile:
        from ..warehouse.config import ConfigError

        raise ConfigError("--profile and --all-profiles cannot be combined; use one")
    with _open_for_report(args) as (warehouse, _path):
        held = warehouse.organizations()
        total = WarehouseRows(warehouse, held)
        data_now = total.data_end()
        yield [WarehouseRows(warehouse, [org]) for org in held], total, data_now


@contextmanager
def _open_for_report(args: argparse.Namespace) -> Iterator[tuple[Any, Path]]:
    from ..warehouse import require_duckdb
    from ..warehouse.store import Warehouse

    require_duckdb("report --db")
    config = _config(args)
    path = _database(args, config, must_exist=True)
    with _database_errors(path), Warehouse(path, read_only=True, wait=args.wait) as warehouse:
        yield warehouse, path


def name_report(report: Report, source: WarehouseRows, args: argparse.Namespace) -> None:
    """Give a `report --db` the project names stored by the last sync, as the live report has the directory's
    (JSON `project_names`; tables show IDs with --ids). Spend limits stay out (`report.limits` None): live data."""
    from ..warehouse.names import project_names

    report.names = project_names(source.warehouse, source.organizations)
    report.show_names = not getattr(args, "ids", False)
    report.organizations = list(source.organizations)
