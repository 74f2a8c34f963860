"""`oai-usage report`: its options, its range, the fetches behind it and its output formats."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from .. import Directory
from .. import report as lib
from ..timeparse import iso_datetime
from . import dates

FORMATS = ("table", "json", "csv", "markdown")
RowSource = Callable[[str, dict[str, Any]], Iterable[Mapping[str, Any]]]
"""Answers one of the report's queries (endpoint, API parameters) with rows: the API, or the warehouse."""


class ReportError(dates.DateError):
    """A report option the user got wrong: one line, exit 2."""


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The report's own options (the range options and -o come from the CLI's shared helpers)."""
    parser.add_argument("--since", default=None,
                        help=f"report on the last N days/weeks/hours/minutes (default 30d); {dates.RULE}")  # fmt: skip
    parser.add_argument("--plot", metavar="FILE", help="also write a chart (.png, .svg or .pdf, by extension): "
                        "daily spend by project, daily tokens by model")  # fmt: skip
    parser.add_argument("--html", metavar="FILE", help="also write the report as one self-contained HTML page")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--project-ids", type=lambda t: [p.strip() for p in t.split(",") if p.strip()],
                        action="extend", metavar="A,B", help="only these projects, by name or ID (comma-separated, "
                        "repeatable)")  # fmt: skip
    parser.add_argument("--ids", action="store_true", help="show project IDs instead of names")
    parser.add_argument("--no-limits", action="store_true",
                        help="leave out the spend limits and the month-end projection")  # fmt: skip


def report_range(args: argparse.Namespace, now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The period: --since (default 30d) or --start/--end, all by the one range rule of `dates`; one that starts
    after now is refused, and one that ends after now is served up to now (`new_report` notes it)."""
    if args.since and (args.start or args.end):
        raise ReportError("--since cannot be combined with --start/--end; use one or the other")
    if args.start:
        start = dates.parse_when(args.start, now=now, option="--start", tz=tz)
        end = dates.parse_when(args.end, now=now, option="--end", tz=tz) if args.end else now
    elif args.end:
        raise ReportError("--end needs --start (or use --since)")
    else:
        amount, unit = dates.parse_span(args.since or "30d", option="--since")
        start, end = dates.relative(amount, unit, now, tz), now
    dates.check_not_future(start, end, now)
    if end <= start:
        raise ReportError(f"--end ({iso_datetime(end)}) must be after --start ({iso_datetime(start)})")
    return start, end


def check_files(args: argparse.Namespace) -> None:
    """Refuse a bad -o, --plot or --html path before anything is fetched."""
    from .paths import check_target, check_targets
    from .plot import chart_format

    check_targets(("-o", args.output))
    if args.plot:
        chart_format(args.plot)
        check_target(args.plot, "--plot")
    if args.html:
        check_target(args.html, "--html")


def build_report(args: argparse.Namespace, now: datetime, rows: lib.RowSource | None = None,
                 **labels: Any) -> lib.Report:  # fmt: skip
    """The report the options ask for, as of `now`: from `rows` (e.g. the warehouse for `report --db`, no API
    call), or from the API (names from the directory, the spend limits unless --no-limits)."""
    tz = dates.zone(getattr(args, "tz", None))
    start, end = report_range(args, now, tz)  # a mistake in the range costs no API call
    if rows is not None:
        return lib.from_rows(rows, start=start, end=end, now=now, tz=tz, **labels)
    from . import fetch
    from .organization import load_directory, resolve_project_ids

    ids, chosen_names = getattr(args, "ids", False), getattr(args, "project_ids", None)
    limits = not getattr(args, "no_limits", False)
    with fetch.open_client(args, now) as client:
        now = fetch.server_now(client, args, now)
        start, end = report_range(args, now, tz)  # counted from the server's now
        # The directory (names; the projects whose limits to read) is fetched once, only when something needs it.
        directory = load_directory(client) if (not ids or chosen_names or limits) else None
        chosen = resolve_project_ids(directory, chosen_names) if chosen_names else []
        options = {"project_ids": chosen} if chosen else {}
        report = lib.build(
            client, start=start, end=end, tz=tz, project_ids=chosen, limits=limits, now=now, names=not ids,
            directory=directory if directory is not None else Directory(),
            rows=lambda endpoint, params: fetch.rows_with_progress(client, endpoint, {**params, **options}),
        )  # fmt: skip
    return report


def run_report(args: argparse.Namespace, now: datetime) -> int:
    """The report command: check the files, fetch, then write the chart, the HTML page and the report."""
    from . import output, render

    check_files(args)
    if getattr(args, "db", None):  # from the warehouse, as of its last sync: no API call
        from .sync import name_report, report_source

        if getattr(args, "project_ids", None):
            raise ReportError("--project-ids cannot be combined with --db (the warehouse report covers every project)")
        if getattr(args, "all_profiles", False):
            return _run_all_profiles(args)
        with report_source(args) as (source, data_now):  # names as of the last sync; no limits (live data)
            report = build_report(args, data_now, rows=source, **name_report(source, args))
    else:
        if getattr(args, "all_profiles", False):
            raise ReportError("--all-profiles needs --db (each organization the warehouse holds, and their total)")
        report = build_report(args, now)
    from .html import html_page

    _chart_and_page(args, report, lambda chart: html_page(report, chart))
    with output.open_output(args.output) as out:
        if args.format == "json":
            out.write(report.to_json() + "\n")
        elif args.format == "csv":
            render.write_csv(report, out, raw=getattr(args, "csv_raw", False))
        elif args.format == "markdown":
            out.write(render.markdown(report))
        else:
            render.print_report(report, out, chart=args.plot)
    return 0


def _chart_and_page(args: argparse.Namespace, charted: lib.Report, page: Callable[[bytes | None], str]) -> None:
    """--plot (the chart of `charted`) and --html (`page`, given that chart as a PNG, or None without matplotlib:
    the page is still whole without it)."""
    if args.plot:
        from .plot import write_chart

        write_chart(charted, args.plot)
    if args.html:
        from ..errors import MissingDependencyError
        from .paths import atomic_write
        from .plot import chart_bytes

        try:
            chart: bytes | None = chart_bytes(charted, "png")
        except MissingDependencyError:
            chart = None
        with atomic_write(args.html, "--html", "w") as fh:
            fh.write(page(chart))


def _run_all_profiles(args: argparse.Namespace) -> int:
    """`report --db --all-profiles`: each organization's report, then their total, labelled, in every format (the
    chart, when asked, is the total's)."""
    from . import output, render
    from .sync import name_report, report_sources

    with report_sources(args) as (sources, all_of_them, data_now):
        reports = [build_report(args, data_now, rows=source, **name_report(source, args))
                   for source in [*sources, all_of_them]]  # fmt: skip
    *parts, total = reports
    from .html import html_page_many

    _chart_and_page(args, total, lambda chart: html_page_many(parts, total, chart))
    with output.open_output(args.output) as out:
        if args.format == "json":
            out.write(render.many_as_json(parts, total) + "\n")
        elif args.format == "csv":
            render.write_csv_many(parts, total, out, raw=getattr(args, "csv_raw", False))
        elif args.format == "markdown":
            out.write(render.markdown_many(parts, total))
        else:
            render.print_many(parts, total, out, chart=args.plot)
    return 0
