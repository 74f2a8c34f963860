"""Internal: `oai-usage report`: the spend report, from the API or from the warehouse (`--db`), as tables, JSON,
CSV or Markdown, with a chart (`--plot`) and an HTML page (`--html`).

The figures are the library's (`oai_usage.report`): this module reads the options (`Options`), picks the row source
(the API through a client, or `WarehouseRows`), asks the library for the `Report` and hands it to the renderers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from typing import IO, TYPE_CHECKING, Any

from ... import Directory
from ... import report as lib
from ...timeparse import iso_datetime
from .. import dates
from ..exit_codes import CliError
from ..options import Connection, Database, add_csv_raw, add_database, add_id_lists, add_output, add_profile, add_range
from .base import CommandSet

if TYPE_CHECKING:
    from ...warehouse.report_rows import WarehouseRows

__all__ = ["FORMATS", "Options", "build_report", "register", "run"]

FORMATS = ("table", "json", "csv", "markdown")
"""The report's output formats."""


def register(commands: CommandSet) -> None:
    report = commands.add("report", "spend report: totals, projects, line items, models, keys, users, trend",
                          sys.modules[__name__])  # fmt: skip
    if not commands.wanted("report"):
        return
    add_range(report, default_start=None, since=f"report on the last N days/weeks/hours/minutes (default 30d); "
              f"{dates.RULE}")  # fmt: skip
    report.add_argument("--plot", metavar="FILE", help="also write a chart (.png, .svg or .pdf, by extension): "
                        "daily spend by project, the month to date against each spend limit, daily tokens by "
                        "model")  # fmt: skip
    report.add_argument("--html", metavar="FILE", help="also write the report as one self-contained HTML page")
    report.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    add_id_lists(report, ("project_ids",), helps={"project_ids": "only these projects, by name or ID "
                                                                 "(comma-separated, repeatable)"})  # fmt: skip
    report.add_argument("--ids", action="store_true", help="show project IDs instead of names")
    report.add_argument("--no-limits", action="store_true",
                        help="leave out the spend limits and the month-end projection")  # fmt: skip
    add_output(report)
    add_csv_raw(report)
    add_database(report, db_help="report from this warehouse (oai-usage sync), with no API call: figures and names "
                 "and spend limits as of the last sync",
                 wait_help="with --db: wait up to SECONDS for a sync holding the database")  # fmt: skip
    add_profile(report, all_profiles=True, config_help="oai-usage.toml (for --db's default path)",
                profile_help="with --db: the organization (default: the only one it holds)",
                all_profiles_help="with --db: each organization it holds, and their total")  # fmt: skip


@dataclass(frozen=True)
class Options:
    """What `report` was asked for."""

    now: datetime
    connection: Connection
    database: Database
    since: str | None = None
    start: str | None = None
    end: str | None = None
    tz: str | None = None
    format: str = "table"
    output: str | None = None
    plot: str | None = None
    html: str | None = None
    csv_raw: bool = False
    project_ids: tuple[str, ...] = ()
    ids: bool = False
    no_limits: bool = False
    profile: str | None = None
    all_profiles: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(
            now=now, connection=Connection.from_args(args), database=Database.from_args(args), since=args.since,
            start=args.start, end=args.end, tz=args.tz, format=args.format, output=args.output, plot=args.plot,
            html=args.html, csv_raw=bool(args.csv_raw), project_ids=tuple(args.project_ids or ()), ids=bool(args.ids),
            no_limits=bool(args.no_limits), profile=args.profile, all_profiles=bool(args.all_profiles),
        )  # fmt: skip


def report_range(options: Options, now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The period: --since (default 30d) or --start/--end, all by the one range rule of `dates`; one that starts
    after now is refused, and one that ends after now is served up to now (the report notes it)."""
    if options.since and (options.start or options.end):
        raise CliError("--since cannot be combined with --start/--end; use one or the other")
    if options.start:
        start = dates.parse_when(options.start, now=now, option="--start", tz=tz)
        end = dates.parse_when(options.end, now=now, option="--end", tz=tz) if options.end else now
    elif options.end:
        raise CliError("--end needs --start (or use --since)")
    else:
        amount, unit = dates.parse_span(options.since or "30d", option="--since")
        start, end = dates.relative(amount, unit, now, tz), now
    dates.check_not_future(start, end, now)
    if end <= start:
        raise CliError(f"--end ({iso_datetime(end)}) must be after --start ({iso_datetime(start)})")
    return start, end


def _check_files(options: Options) -> None:
    """Refuse a bad -o, --plot or --html path before anything is fetched."""
    from ..paths import check_target, check_targets
    from ..plot import chart_format

    check_targets(("-o", options.output))
    if options.plot:
        chart_format(options.plot)
        check_target(options.plot, "--plot")
    if options.html:
        check_target(options.html, "--html")


def build_report(options: Options, now: datetime, rows: lib.RowSource | None = None, **labels: Any) -> lib.Report:
    """The report the options ask for, as of `now`: from `rows` (the warehouse for --db, no API call), or from the
    API (names from the directory, the spend limits unless --no-limits)."""
    tz = dates.zone(options.tz)
    start, end = report_range(options, now, tz)  # a mistake in the range costs no API call
    if rows is not None:
        return lib.from_rows(rows, start=start, end=end, now=now, tz=tz, **labels)
    from .. import connect
    from ..organization import load_directory, resolve_project_ids

    limits = not options.no_limits
    with connect.open_client(options.connection, now) as client:
        now = connect.server_now(client, options.connection, now)
        start, end = report_range(options, now, tz)  # counted from the server's now
        # The directory (names; the projects whose limits to read) is fetched once, only when something needs it.
        wanted = not options.ids or options.project_ids or limits
        directory = load_directory(client) if wanted else None
        chosen = resolve_project_ids(directory, options.project_ids) if options.project_ids else []
        filters = {"project_ids": chosen} if chosen else {}
        return lib.build(
            client, start=start, end=end, tz=tz, project_ids=chosen, limits=limits, now=now, names=not options.ids,
            directory=directory if directory is not None else Directory(),
            rows=lambda endpoint, params: connect.rows_with_progress(client, endpoint, {**params, **filters}),
        )  # fmt: skip


def run(options: Options) -> int:
    """Check the files, build the report (or, with --all-profiles, each organization's and their total), then write
    the chart, the HTML page and the report."""
    _check_files(options)
    if options.database.db:  # from the warehouse, as of its last sync: no API call
        if options.project_ids:
            raise CliError("--project-ids cannot be combined with --db (the warehouse report covers every project)")
        if options.all_profiles:
            return _run_all_profiles(options)
        with _report_source(options) as (source, data_now):  # names and limits as of the last sync
            report = build_report(options, data_now, rows=source, **_labels(source, options))
    else:
        if options.all_profiles:
            raise CliError("--all-profiles needs --db (each organization the warehouse holds, and their total)")
        report = build_report(options, options.now)
    from .. import render
    from ..html import html_page

    _chart_and_page(options, report, lambda chart: html_page(report, chart))
    _write(options, report.to_json, lambda out: render.write_csv(report, out, raw=options.csv_raw),
           lambda: render.markdown(report),
           lambda out: render.print_report(report, out, chart=options.plot))  # fmt: skip
    return 0


def _write(options: Options, json_text: Callable[[], str], csv: Callable[[IO[str]], None],
           markdown: Callable[[], str], table: Callable[[IO[str]], None]) -> None:  # fmt: skip
    """The report in its --format, to -o or stdout."""
    from ...alerts import mask_key_like
    from .. import output

    with output.open_output(options.output) as out:
        if options.format == "json":  # the library's JSON: text read back from a warehouse is masked here
            out.write(mask_key_like(json_text()) + "\n")
        elif options.format == "csv":
            csv(out)
        elif options.format == "markdown":
            out.write(markdown())
        else:
            table(out)


def _chart_and_page(options: Options, charted: lib.Report, page: Callable[[bytes | None], str]) -> None:
    """--plot (the chart of `charted`) and --html (`page`, given that chart as a PNG, or None without matplotlib:
    the page is still whole without it)."""
    if options.plot:
        from ..plot import write_chart

        write_chart(charted, options.plot)
    if options.html:
        from ... import MissingDependencyError
        from ..paths import atomic_write
        from ..plot import chart_bytes

        try:
            chart: bytes | None = chart_bytes(charted, "png")
        except MissingDependencyError:
            chart = None
        with atomic_write(options.html, "--html", "w") as fh:
            fh.write(page(chart))


def _run_all_profiles(options: Options) -> int:
    """`report --db --all-profiles`: each organization's report, then their total, labelled, in every format (the
    chart, when asked, is the total's)."""
    from .. import render
    from ..html import html_page_many

    with _report_sources(options) as (sources, all_of_them, data_now):
        reports = [build_report(options, data_now, rows=source, **_labels(source, options))
                   for source in [*sources, all_of_them]]  # fmt: skip
    *parts, total = reports
    _chart_and_page(options, total, lambda chart: html_page_many(parts, total, chart))
    _write(options, lambda: render.many_as_json(parts, total),
           lambda out: render.write_csv_many(parts, total, out, raw=options.csv_raw),
           lambda: render.markdown_many(parts, total),
           lambda out: render.print_many(parts, total, out, chart=options.plot))  # fmt: skip
    return 0


# --- report --db: the warehouse as the report's row source ---------------------------------------------------------


@contextmanager
def _report_source(options: Options) -> Iterator[tuple[WarehouseRows, datetime]]:
    """The warehouse rows of one organization, and the time of their data (the last sync).

    The organization is --profile, or the only one the database holds; with several and no --profile, one line
    naming them (exit 2): figures of two organizations are never added up unasked (--all-profiles shows each and
    their total). No lock is taken: the last committed state is read, also while a sync runs."""
    from ...warehouse.report_rows import WarehouseRows

    with _open_warehouse(options) as (warehouse, path):
        held = warehouse.organizations()
        if options.profile and options.profile not in held:
            raise CliError(f"--profile {options.profile}: {path} holds no data for it; it holds: "
                           f"{', '.join(held) or 'nothing yet'}")  # fmt: skip
        if not options.profile and len(held) > 1:
            raise CliError(f"--db {path} holds {len(held)} organizations ({', '.join(held)}): choose one with "
                           "--profile NAME, or --all-profiles for each and their total")  # fmt: skip
        source = WarehouseRows(warehouse, [options.profile] if options.profile else held)
        yield source, source.data_end()


@contextmanager
def _report_sources(options: Options) -> Iterator[tuple[list[WarehouseRows], WarehouseRows, datetime]]:
    """--all-profiles: the rows of each organization the database holds, the rows of all of them (their total), and
    the time of the data: the last sync common to all, so every part covers the same period."""
    from ...warehouse.report_rows import WarehouseRows

    if options.profile:
        raise CliError("--profile and --all-profiles cannot be combined; use one")
    with _open_warehouse(options) as (warehouse, _path):
        held = warehouse.organizations()
        total = WarehouseRows(warehouse, held)
        data_now = total.data_end()
        yield [WarehouseRows(warehouse, [org]) for org in held], total, data_now


@contextmanager
def _open_warehouse(options: Options) -> Iterator[tuple[Any, Any]]:
    from ...warehouse import require_duckdb
    from ...warehouse.store import Warehouse
    from ..database import database_errors, database_path, load_sync_config

    require_duckdb("report --db")
    path = database_path(options.database, load_sync_config(options.database.config), must_exist=True)
    with database_errors(path), Warehouse(path, read_only=True, wait=options.database.wait) as warehouse:
        yield warehouse, path


def _labels(source: WarehouseRows, options: Options) -> dict[str, Any]:
    """The labels of a report from the warehouse: the names stored by the last sync (projects, API keys, users'
    e-mails; tables show IDs with --ids), whose figures, and the spend limits it stored (one organization)."""
    labels = source.labels()
    return {**labels, "show_names": not options.ids, "organizations": tuple(source.organizations),
            **_stored_limits(source, labels["names"], options)}  # fmt: skip


def _stored_limits(source: WarehouseRows, names: Mapping[str, str], options: Options) -> dict[str, Any]:
    """The limits the last sync stored for the one organization of `source`, against the warehouse's daily costs
    (the live report's projection), as labels; else the caveat that the warehouse keeps none for this report."""
    from ...report.limits import fetch_start
    from ...warehouse.limits import limits_read_at, read_limits
    from ...warehouse.report_rows import CoverageError

    none = {"notes": (lib.Caveat("limits_not_in_warehouse"),)}
    if options.no_limits or len(source.organizations) != 1:
        return none
    (organization,) = source.organizations
    stored = read_limits(source.warehouse, organization)
    kept = {scope: amount for scope, (amount, currency) in stored.items() if currency.lower() == "usd"}
    if not kept:
        return none
    end = source.data_end()
    today = end.astimezone(UTC).date()
    start = datetime.combine(fetch_start(today), time(), tzinfo=UTC)
    params = {"bucket_width": "1d", "group_by": ["project_id", "line_item"], "start_time": start, "end_time": end}
    try:
        rows = list(source("costs", params))
    except (CoverageError, lib.GroupingUnavailable):  # the warehouse does not reach back to the projection's basis
        return none
    projects = [(scope, names.get(scope, ""), amount) for scope, amount in kept.items() if scope]
    notes = [lib.Caveat("limits_from_warehouse", {"as_of": limits_read_at(source.warehouse, organization) or end})]
    if len(kept) < len(stored):
        others = tuple(sorted({c for _, c in stored.values() if c.lower() != "usd"}))
        notes.append(lib.Caveat("limits_other_currencies", {"currencies": others, "currency": "usd"}))
    return {"limits": lib.status_of(kept.get(""), projects, rows, today, notes=notes)}
