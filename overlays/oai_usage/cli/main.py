"""`oai-usage`: usage and costs exports, a spend report with a chart, and the sandbox server.

User mistakes exit 2 with one line naming the problem and what is allowed; API failures exit 1 with
the API's message. No tracebacks for either, and the admin key is never printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from .. import errors
from ..timeparse import iso_datetime
from . import dates, fetch, output
from .plot import MissingExtraError, write_chart
from .render import print_report
from .report import VOLUME_ENDPOINTS, Report, add_costs, add_previous_spend, add_previous_volume, add_usage

log = logging.getLogger("oai_usage.cli")

EXIT_API = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user mistake found by the CLI itself: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")] if text else []


def _add_global(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Global options, accepted before or after the command."""
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--sandbox",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="run against the built-in sandbox (synthetic data, no key, no network)",
    )
    parser.add_argument("--base-url", default=default, help="API base URL (default: $OPENAI_BASE_URL or the API)")
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="allow a plain http:// --base-url on another machine (the key travels unencrypted)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS if suppress else 0,
                        help="log progress to stderr (-vv for HTTP details)")  # fmt: skip


def _add_range(parser: argparse.ArgumentParser, default_start: str | None) -> None:
    parser.add_argument("--start", default=default_start, help=f"range start, inclusive: {dates.ALLOWED}")
    parser.add_argument("--end", help="range end, exclusive (default: now); same forms as --start")


def _add_output(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("--format", choices=formats, default="table", help="output format (default: table)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (only once complete) instead of stdout")


def _add_query_options(parser: argparse.ArgumentParser, endpoint: str) -> None:
    spec = fetch.endpoint_options(endpoint)
    parser.add_argument("--bucket-width", choices=spec.bucket_widths, help="bucket width (API default 1d)")
    parser.add_argument("--group-by", type=_csv_list, metavar="A,B",
                        help="group by these dimensions: " + ", ".join(spec.group_by))  # fmt: skip
    parser.add_argument("--limit", type=int, help="buckets per page (default: the largest the width allows)")
    for name, allowed in spec.list_filters.items():
        hint = f"comma-separated; one of {', '.join(allowed)}" if allowed else "comma-separated IDs or names"
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=_csv_list, metavar="A,B", help=hint)
    if spec.has_batch:
        parser.add_argument("--batch", choices=["true", "false"], help="only batch (true) or only non-batch (false)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="oai-usage", description="OpenAI organization usage and costs: exports and reports.")
    _add_global(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    usage = commands.add_parser("usage", help="export usage of one endpoint")
    endpoints = usage.add_subparsers(dest="endpoint", metavar="ENDPOINT", parser_class=_Parser)
    endpoints.required = True
    for name in fetch.USAGE_ENDPOINTS:
        sub = endpoints.add_parser(name, help=f"/organization/usage/{name}")
        _add_global(sub, suppress=True)
        _add_range(sub, "7d")
        _add_query_options(sub, name)
        _add_output(sub, output.FORMATS)

    costs = commands.add_parser("costs", help="export daily costs")
    _add_global(costs, suppress=True)
    _add_range(costs, "7d")
    _add_query_options(costs, "costs")
    _add_output(costs, output.FORMATS)

    report = commands.add_parser("report", help="spend report: totals, projects, line items, models, trend")
    _add_global(report, suppress=True)
    report.add_argument("--since", default=None, help="report on the last N days/hours, e.g. 30d (default 30d)")
    _add_range(report, None)
    report.add_argument("--plot", metavar="PNG", help="also write a chart: daily spend by project, tokens by model")
    _add_output(report, ("table", "json"))

    from oai_usage_sandbox.__main__ import build_arg_parser as sandbox_options

    sandbox_options(commands.add_parser("sandbox", help="serve the sandbox API over HTTP (for other clients)"))
    return parser


def _range(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    start = dates.parse_when(args.start, now=now, option="--start")
    end = dates.parse_when(args.end, now=now, option="--end") if args.end else now
    if end <= start:
        raise CliError(f"--end ({iso_datetime(end)}) must be after --start ({iso_datetime(start)})")
    return start, end


def _query_params(args: argparse.Namespace, endpoint: str, start: datetime, end: datetime) -> dict[str, Any]:
    spec = fetch.endpoint_options(endpoint)
    params: dict[str, Any] = {"start_time": start, "end_time": end}
    if args.bucket_width:
        params["bucket_width"] = args.bucket_width
    if args.group_by:
        params["group_by"] = args.group_by
    if args.limit is not None:
        params["limit"] = args.limit
    for name in spec.list_filters:
        if getattr(args, name, None):
            params[name] = getattr(args, name)
    if spec.has_batch and args.batch is not None:
        params["batch"] = args.batch == "true"
    return params


def _export(args: argparse.Namespace, endpoint: str, now: datetime) -> int:
    start, end = _range(args, now)
    params = _query_params(args, endpoint, start, end)
    with fetch.open_client(args, now) as client:
        rows = fetch.rows_with_progress(client, endpoint, params)
        columns = fetch.columns(endpoint)
        with output.open_output(args.output) as out:
            title = "costs" if endpoint == "costs" else f"{endpoint} usage"
            count = output.write_rows(args.format, rows, out, columns, title=title)
    log.info("wrote %d rows", count)
    return 0


def _report_range(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    if args.since and (args.start or args.end):
        raise CliError("--since cannot be combined with --start/--end; use one or the other")
    if args.start:
        return _range(args, now)
    span = dates.parse_span(args.since or "30d", option="--since")
    # Whole UTC days: the last N days including today (so far).
    days = max(1, span // timedelta(days=1))
    start = dates.start_of_day(now) - timedelta(days=days - 1) if span >= timedelta(days=1) else now - span
    return start, now


def _report(args: argparse.Namespace, now: datetime) -> int:
    start, end = _report_range(args, now)
    previous_start = start - (end - start)
    report = Report(start=start, end=end, previous_start=previous_start)
    with fetch.open_client(args, now) as client:
        now_range = {"start_time": start, "end_time": end, "bucket_width": "1d"}
        before = {"start_time": previous_start, "end_time": start, "bucket_width": "1d"}
        add_costs(
            report, fetch.rows_with_progress(client, "costs", {**now_range, "group_by": ["project_id", "line_item"]})
        )
        add_previous_spend(report, fetch.rows_with_progress(client, "costs", before))
        for endpoint in VOLUME_ENDPOINTS:
            add_usage(report, fetch.rows_with_progress(client, endpoint, {**now_range, "group_by": ["model"]}))
            add_previous_volume(report, fetch.rows_with_progress(client, endpoint, before))
    if args.plot:
        write_chart(report, args.plot)
    with output.open_output(args.output) as out:
        if args.format == "json":
            out.write(json.dumps(report.as_dict(), indent=2) + "\n")
        else:
            print_report(report, out, chart=args.plot)
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    """Serve the sandbox over HTTP until interrupted; it logs the URL it serves."""
    from oai_usage_sandbox.__main__ import config_from_args
    from oai_usage_sandbox.server import MissingServerError, serve

    try:
        config = config_from_args(args)
        level = logging.getLevelName(args.log_level.upper())
        if not isinstance(level, int):
            raise ValueError(f"--log-level: unknown level {args.log_level!r}; use DEBUG, INFO, WARNING or ERROR")
    except ValueError as exc:
        raise CliError(str(exc)) from None
    logging.getLogger().setLevel(min(level, logging.getLogger().level))
    try:
        serve(config, args.host, args.port)
    except MissingServerError as exc:
        raise CliError(str(exc)) from None
    return 0


def run(argv: Sequence[str] | None = None, *, now: datetime | None = None) -> int:
    """Parse and run one command; returns the exit code (the console script calls sys.exit on it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    moment = now or datetime.now(UTC)
    try:
        if args.command == "sandbox":
            return _sandbox(args)
        if args.command == "report":
            return _report(args, moment)
        return _export(args, args.endpoint if args.command == "usage" else "costs", moment)
    except (CliError, dates.DateError, errors.ValidationError, errors.MissingAdminKeyError,
            errors.MissingDependencyError, MissingExtraError) as exc:  # fmt: skip
        print(f"oai-usage: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except errors.OaiUsageError as exc:
        print(f"oai-usage: error: {exc}", file=sys.stderr)
        return EXIT_API
    except KeyboardInterrupt:
        print("oai-usage: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def main() -> NoReturn:
    sys.exit(run())
