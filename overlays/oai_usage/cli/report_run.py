"""`oai-usage report`: its options, its range, the fetches behind it and its output formats."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from ..timeparse import iso_datetime
from . import dates
from .report import (
    VOLUME_ENDPOINTS,
    VOLUME_SOURCE_HOURLY,
    WAREHOUSE_LIMITS_NOTE,
    Report,
    add_costs,
    add_previous_spend,
    add_previous_volume,
    add_usage,
    money_range,
    previous_money_range,
)

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


def new_report(args: argparse.Namespace, now: datetime, tz: tzinfo) -> Report:
    """An empty report for the period the options name, as of `now` (the server's): its previous period ends at
    the same local time of day across a DST change, and an end after now is cut at now, with a note."""
    start, asked_end = report_range(args, now, tz)
    end = min(asked_end, now)
    before = dates.previous_start(start, end, tz)
    if dates.is_midnight(start, tz):
        days = (start.astimezone(tz).date() - before.astimezone(tz).date()).days
        previous_end = dates.same_time_days_before(end, days, tz)
    else:
        previous_end = end - (start - before)
    report = Report(start=start, end=end, previous_start=before, previous_end=previous_end, tz=tz)
    report.money_start, report.money_end = money_range(start, end, now, tz)
    if asked_end > end:
        report.notes.append(f"The period asked for ends {iso_datetime(asked_end)}, after now: it is shown up to now, "
                            f"{iso_datetime(end)}.")  # fmt: skip
    return report


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


def build_report(args: argparse.Namespace, now: datetime, rows: RowSource | None = None) -> Report:
    """Fetch the current and previous periods' costs and volume and fold them into a Report (`rows`: answer the
    queries from elsewhere, e.g. the warehouse for `report --db`, instead of the API)."""
    tz = dates.zone(getattr(args, "tz", None))
    report = new_report(args, now, tz)  # a mistake in the range costs no API call
    width = "1d" if tz is UTC else "1h"  # local days are built from hourly buckets
    if rows is not None:
        previous_money = _previous_money(report, width)
        expect = getattr(rows, "expect", None)  # the warehouse: name one sync for both periods when one is missing
        if expect is not None:
            expect(min(report.previous_start, previous_money[0]))
        _fold(report, rows, width, previous_money)
        return report
    from . import connect as fetch
    from .options import Connection
    from .organization import limit_status, load_directory, resolve_project_ids

    ids, chosen_names = getattr(args, "ids", False), getattr(args, "project_ids", None)
    limits = not getattr(args, "no_limits", False)
    connection = Connection.from_args(args)
    with fetch.open_client(connection, now) as client:
        now = fetch.server_now(client, connection, now)
        report = new_report(args, now, tz)  # counted from the server's now
        previous_money = _previous_money(report, width)
        # The directory (names; the projects whose limits to read) is fetched once, only when something needs it.
        directory = load_directory(client) if (not ids or chosen_names or limits) else None
        if chosen_names:
            report.project_filter = resolve_project_ids(directory, chosen_names)
        if directory is not None:
            report.names = {p.id: p.name for p in directory.projects.values()}
        report.show_names = not ids
        chosen = {"project_ids": report.project_filter} if report.project_filter else {}
        _fold(report, lambda endpoint, params: fetch.rows_with_progress(client, endpoint, {**params, **chosen}),
              width, previous_money)  # fmt: skip
        if limits:
            report.limits = limit_status(client, now, directory, report.project_filter or None)
    return report


def _previous_money(report: Report, width: str) -> tuple[datetime, datetime]:
    """The previous period's costs range; the report notes that its volume comes from hourly buckets when it does."""
    if width == "1h":
        report.volume_source = VOLUME_SOURCE_HOURLY
    return previous_money_range(report)


def _fold(report: Report, rows: RowSource, width: str, previous_money: tuple[datetime, datetime]) -> None:
    """The report's six queries, answered by `rows`, folded into `report`."""
    costs = {"bucket_width": "1d", "group_by": ["project_id", "line_item"]}
    add_costs(report, rows("costs", {**costs, "start_time": report.money_start, "end_time": report.money_end}))
    add_previous_spend(
        report, rows("costs", {**costs, "start_time": previous_money[0], "end_time": previous_money[1]})
    )  # by line item too: the previous period's spend by model
    for endpoint in VOLUME_ENDPOINTS:
        volume = {"bucket_width": width, "group_by": ["model"]}
        add_usage(report, rows(endpoint, {**volume, "start_time": report.start, "end_time": report.end}))
        before_range = {"start_time": report.previous_start, "end_time": report.previous_stop}
        add_previous_volume(report, rows(endpoint, {"bucket_width": width, **before_range}))


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
        with report_source(args) as (source, data_now):
            report = build_report(args, data_now, rows=source)
            name_report(report, source, args)  # names as of the last sync; no limits (live data)
            report.notes.append(WAREHOUSE_LIMITS_NOTE)
    else:
        if getattr(args, "all_profiles", False):
            raise ReportError("--all-profiles needs --db (each organization the warehouse holds, and their total)")
        report = build_report(args, now)
    from .html import html_page

    _chart_and_page(args, report, lambda chart: html_page(report, chart))
    with output.open_output(args.output) as out:
        if args.format == "json":
            out.write(json.dumps(output.json_ready(report.as_dict()), indent=2, allow_nan=False) + "\n")
        elif args.format == "csv":
            render.write_csv(report, out, raw=getattr(args, "csv_raw", False))
        elif args.format == "markdown":
            out.write(render.markdown(report))
        else:
            render.print_report(report, out, chart=args.plot)
    return 0


def _chart_and_page(args: argparse.Namespace, charted: Report, page: Callable[[bytes | None], str]) -> None:
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
        reports: list[Report] = []
        for source in [*sources, all_of_them]:
            report = build_report(args, data_now, rows=source)
            name_report(report, source, args)
            report.notes.append(WAREHOUSE_LIMITS_NOTE)
            reports.append(report)
    *parts, total = reports
    from .html import html_page_many

    _chart_and_page(args, total, lambda chart: html_page_many(parts, total, chart))
    with output.open_output(args.output) as out:
        if args.format == "json":
            data = output.json_ready(render.many_as_dict(parts, total))
            out.write(json.dumps(data, indent=2, allow_nan=False) + "\n")
        elif args.format == "csv":
            render.write_csv_many(parts, total, out, raw=getattr(args, "csv_raw", False))
        elif args.format == "markdown":
            out.write(render.markdown_many(parts, total))
        else:
            render.print_many(parts, total, out, chart=args.plot)
    return 0
