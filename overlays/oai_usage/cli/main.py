"""`oai-usage`: usage and costs exports, a spend report with a chart, and the sandbox server.

User mistakes exit 2 with one line naming the problem and what is allowed; API failures exit 1 with
the API's message. No tracebacks for either, and the admin key is never printed.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from types import FrameType
from typing import Any, NoReturn

# Only light modules at import time: `--help`, `--version` and completion must start fast. The client
# (httpx, the generated models), rich, the sandbox and the report modules are imported by the commands.
from .. import __version__, errors
from ..clock import system_now
from ..timeparse import iso_datetime
from . import dates, output, paths
from .endpoint_names import USAGE_ENDPOINTS  # generated from the registry by tools/gen_methods.py

log = logging.getLogger("oai_usage.cli")

EXIT_API = 1
EXIT_USAGE = 2
EXIT_TERMINATED = 128 + signal.SIGTERM

COMMANDS = ("usage", "costs", "report", "projects", "users", "keys", "limits", "sync", "export", "check", "sandbox",
            "completion")  # fmt: skip
# cli/listing.py: the organization around the numbers (help here: building the parser imports no client code)
LISTINGS = {
    "projects": "list the projects (archived ones included) with their status",
    "users": "list the users: e-mail, name, role",
    "keys": "list every project's API keys (owner, redacted value, last use) and the admin keys",
    "limits": "list the spend limits and alerts of the organization and its projects, in dollars",
}
# List filters whose values may contain commas (costs line items are named like "gpt-image-1, 1024x1792"):
# each flag is one value, never split.
UNSPLIT_LISTS = frozenset({"line_items"})
CLI_KEY_HINT = "set OPENAI_ADMIN_KEY to an Admin API key (sk-admin-...) with usage read access"


class CliError(Exception):
    """A user mistake found by the CLI itself: one line, exit 2."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so that partial output files are removed on the way out
    (exit 128 + the signal: 143, 129)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = int(signum)

    @property
    def said(self) -> str:
        return "hung up" if self.signum == signal.SIGHUP else "terminated"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {output.visible(message)}\n")  # it quotes what the user typed


def _csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")] if text else []


def _one_value(text: str) -> list[str]:
    return [text]


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
    parser.add_argument("--now", dest="pin_now", metavar="WHEN", default=default,
                        help="with --sandbox: pin the sandbox's and the command's clock to WHEN (a date, a time or "
                        "Unix seconds), so a command prints the same output on any day")  # fmt: skip
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS if suppress else 0,
                        help="log progress to stderr (-vv for HTTP details)")  # fmt: skip
    if not suppress:
        parser.add_argument("--version", action="version", version=f"oai-usage {__version__}")


def _add_range(parser: argparse.ArgumentParser, default_start: str | None) -> None:
    parser.add_argument("--start", default=default_start, help=f"range start, inclusive: {dates.ALLOWED}; {dates.RULE}")
    parser.add_argument("--end", help="range end, exclusive (default: now); same forms as --start")
    parser.add_argument("--tz", metavar="ZONE", help=f"read dates and build days in this IANA time zone "
                        f"(default: ${dates.TZ_VARIABLE} or UTC); exports add local-time columns")  # fmt: skip


def _add_profile(parser: argparse.ArgumentParser) -> None:
    """--profile and --config on a command that talks to the API (report has them from its --db options)."""
    parser.add_argument("--profile", metavar="NAME", help="the organization: a profile of oai-usage.toml (its key "
                        "variable, base URL and organization ID); default: OPENAI_ADMIN_KEY")  # fmt: skip
    parser.add_argument("--config", metavar="FILE", help="oai-usage.toml (default: ./oai-usage.toml, then "
                        "$XDG_CONFIG_HOME/oai-usage/oai-usage.toml)")  # fmt: skip


def _add_output(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("--format", choices=formats, default="table", help="output format (default: table)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (only once complete) instead of stdout")
    parser.add_argument("--keep-empty", action="store_true",
                        help="an empty bucket gives one row (empty dimensions, zeros) instead of none")  # fmt: skip
    parser.add_argument("--ids", action="store_true", help="tables show project, key and user IDs, not names")
    parser.add_argument("--names", action="store_true",
                        help="csv/json/jsonl: add project_name, api_key_name, user_email after the IDs")  # fmt: skip
    add_csv_raw(parser)


CSV_RAW_HELP = ("csv: keep text cells that start with =, +, -, @, tab or CR as they are (by default they get a leading "
                "' so that a spreadsheet never runs them as formulas)")  # fmt: skip


def add_csv_raw(parser: argparse.ArgumentParser) -> None:
    """--csv-raw, for every command that writes CSV."""
    parser.add_argument("--csv-raw", action="store_true", help=CSV_RAW_HELP)


def _add_query_options(parser: argparse.ArgumentParser, endpoint: str) -> None:
    from . import fetch  # the endpoint registry (generated models): only for the command being run

    spec = fetch.endpoint_options(endpoint)
    parser.add_argument("--bucket-width", choices=spec.bucket_widths, help="bucket width (API default 1d)")
    group_help = "group by these dimensions, in this order (repeatable): " + ", ".join(spec.group_by)
    parser.add_argument("--group-by", type=_csv_list, action="extend", metavar="A,B", help=group_help)
    parser.add_argument("--limit", type=int, help="buckets per page (default: the largest the width allows)")
    for name, allowed in spec.list_filters.items():
        flag = f"--{name.replace('_', '-')}"
        if name in UNSPLIT_LISTS:
            hint = "one value per flag, never split on commas (repeat the flag for more)"
            parser.add_argument(flag, dest=name, type=_one_value, action="extend", metavar="VALUE", help=hint)
            continue
        hint = "comma-separated, repeatable; " + (f"one of {', '.join(allowed)}" if allowed else "IDs or names")
        parser.add_argument(flag, dest=name, type=_csv_list, action="extend", metavar="A,B", help=hint)
    if spec.has_batch:
        parser.add_argument("--batch", choices=["true", "false"], help="only batch (true) or only non-batch (false)")


def _wanted(argv: Sequence[str] | None) -> tuple[str | None, str | None] | None:
    """The command (and usage endpoint) `argv` names, so that only its options are built; None: build all."""
    if argv is None:
        return None
    valued = ("--base-url", "--now")  # global options whose value is the next word
    words = [w for i, w in enumerate(argv) if not w.startswith("-") and (i == 0 or argv[i - 1] not in valued)]
    command = words[0] if words else None
    endpoint = words[1] if command == "usage" and len(words) > 1 else None
    return command, endpoint


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given `argv`, only the options of the command it names are built (fast start)."""
    wanted = _wanted(argv)

    def needed(command: str, endpoint: str | None = None) -> bool:
        return wanted is None or wanted == (command, endpoint) or (endpoint is None and wanted[0] == command)

    parser = _Parser(prog="oai-usage", description="OpenAI organization usage and costs: exports and reports.")
    _add_global(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    usage = commands.add_parser("usage", help="export usage of one endpoint")
    endpoints = usage.add_subparsers(dest="endpoint", metavar="ENDPOINT", parser_class=_Parser)
    for name in USAGE_ENDPOINTS:
        sub = endpoints.add_parser(name, help=f"/organization/usage/{name}")
        _add_global(sub, suppress=True)
        if needed("usage", name):
            _add_range(sub, "7d")
            _add_query_options(sub, name)
            _add_output(sub, output.FORMATS)
            _add_profile(sub)

    costs = commands.add_parser("costs", help="export daily costs")
    _add_global(costs, suppress=True)
    if needed("costs"):
        _add_range(costs, "7d")
        _add_query_options(costs, "costs")
        _add_output(costs, output.FORMATS)
        _add_profile(costs)

    report = commands.add_parser("report", help="spend report: totals, projects, line items, models, trend")
    _add_global(report, suppress=True)
    if needed("report"):
        from .report_run import add_report_options

        _add_range(report, None)
        add_report_options(report)
        report.add_argument("-o", "--output", metavar="FILE", help="write to FILE (only once complete), not stdout")
        add_csv_raw(report)
        from .sync import add_report_db_options

        add_report_db_options(report)

    for name, text in LISTINGS.items():
        listing = commands.add_parser(name, help=text)
        _add_global(listing, suppress=True)
        listing.add_argument("--format", choices=output.FORMATS, default="table", help="output format (default: table)")
        listing.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (only once complete) instead of stdout"
        )
        add_csv_raw(listing)
        _add_profile(listing)

    sync = commands.add_parser("sync", help="keep a local history: incremental sync into a DuckDB warehouse")
    _add_global(sync, suppress=True)
    if needed("sync"):
        from .sync import add_sync_options

        add_sync_options(sync)

    export = commands.add_parser("export", help="write the warehouse as Parquet, or daily costs as FOCUS (--focus)")
    _add_global(export, suppress=True)
    if needed("export"):
        from .focus import add_focus_options
        from .sync import add_export_options

        add_export_options(export)
        add_focus_options(export)
        add_csv_raw(export)

    from .commands import check  # argparse only: light

    _add_global(check.register(commands), suppress=True)

    sandbox = commands.add_parser("sandbox", help="serve the sandbox API over HTTP (for other clients)")
    if needed("sandbox"):
        from oai_usage_sandbox.options import build_arg_parser as sandbox_options

        sandbox_options(sandbox)

    completion = commands.add_parser("completion", help="print a shell completion script: bash, zsh or fish")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete in")
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, but an unknown option is named first (with a suggestion) and a missing command is listed."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        unknown = next((w for w in extra if w.startswith("-")), None)
        if unknown is None:
            parser.error(f"unexpected argument {extra[0]!r}")
        flag = unknown.split("=", 1)[0]
        close = difflib.get_close_matches(flag, _option_strings(parser), n=1)
        parser.error(f"unknown option {flag}" + (f" (did you mean {close[0]}?)" if close else ""))
    if args.command is None:
        parser.error(f"missing COMMAND; one of {', '.join(COMMANDS)} (oai-usage --help)")
    if args.command == "usage" and args.endpoint is None:
        parser.error(f"usage: missing ENDPOINT; one of {', '.join(USAGE_ENDPOINTS)}")
    return args


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every long option of `parser` and of its (built) subcommands."""
    found: list[str] = []
    for action in parser._actions:
        found += [o for o in action.option_strings if o.startswith("--")]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _option_strings(sub)
    return sorted(set(found))


def _range(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    tz = dates.zone(args.tz)
    start = dates.parse_when(args.start, now=now, option="--start", tz=tz)
    end = dates.parse_when(args.end, now=now, option="--end", tz=tz) if args.end else now
    dates.check_not_future(start, end, now)
    if end <= start:
        raise CliError(f"--end ({iso_datetime(end)}) must be after --start ({iso_datetime(start)})")
    return start, end


def _query_params(args: argparse.Namespace, endpoint: str, start: datetime, end: datetime) -> dict[str, Any]:
    from . import fetch

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
    from . import fetch

    _range(args, now)  # a mistake in the range costs no API call
    paths.check_targets(("-o", args.output))  # nor does a path mistake
    with fetch.open_client(args, now) as client:
        now = fetch.server_now(client, args, now)
        start, end = _range(args, now)  # counted from the server's now
        params = _query_params(args, endpoint, start, end)
        _ids_for_names(client, params)
        if args.keep_empty:
            from .empty import rows_keeping_empty

            rows = rows_keeping_empty(client, endpoint, params)
        else:
            rows = fetch.rows_with_progress(client, endpoint, params)
        columns = fetch.columns(endpoint)
        group_by = params.get("group_by")
        rows, columns, group_by = _with_names(args, client, rows, columns, group_by)
        tz = dates.zone(args.tz)
        if tz is not UTC:  # UTC instants stay; local times are added beside them
            rows, columns = dates.with_local_times(rows, tz), (*columns, *dates.LOCAL_COLUMNS)
        with output.open_output(args.output) as out:
            title = "costs" if endpoint == "costs" else f"{endpoint} usage"
            count = output.write_rows(args.format, rows, out, columns, title=title, group_by=group_by,
                                      csv_raw=args.csv_raw)  # fmt: skip
    served = min(end, now)
    if end > now:
        print(f"oai-usage: note: the range ends in the future ({iso_datetime(end)}); it is served up to now "
              f"({iso_datetime(now)})", file=sys.stderr)  # fmt: skip
    if count == 0:
        print(f"oai-usage: no data for {title} from {iso_datetime(start)} to {iso_datetime(served)}", file=sys.stderr)
    log.info("wrote %d rows", count)
    return 0


def _ids_for_names(client: Any, params: dict[str, Any]) -> None:
    """The ID filters take names too (a project's or key's name, a user's e-mail or name): each becomes its ID, so no
    name is ever sent as an ID. The directory is read only when a value is not an ID (and kept for --names)."""
    from .organization import ID_FILTERS, load_directory, resolve_ids

    wanted = [name for name in ID_FILTERS if params.get(name)]
    names = [v for name in wanted for v in params[name] if not v.startswith(ID_FILTERS[name].prefix)]
    directory = load_directory(client) if names else None
    for name in wanted:
        params[name] = resolve_ids(directory, name, params[name], f"--{name.replace('_', '-')}")


def _with_names(
    args: argparse.Namespace, client: Any, rows: Any, columns: tuple[str, ...], group_by: list[str] | None
) -> tuple[Any, tuple[str, ...], list[str] | None]:
    """Tables name projects, keys and users (unless --ids); --names adds name columns to csv/json/jsonl."""
    from .organization import NAME_COLUMNS, load_directory, named_columns, named_group_by, named_rows

    table = args.format == "table"
    if (table and args.ids) or (not table and not args.names) or not set(group_by or ()) & set(NAME_COLUMNS):
        return rows, columns, group_by
    directory = load_directory(client)
    if table:
        return named_rows(rows, directory, replace=True), named_columns(columns, replace=True), named_group_by(group_by)
    return named_rows(rows, directory, replace=False), named_columns(columns, replace=False), group_by


def _report(args: argparse.Namespace, now: datetime) -> int:
    from .report_run import run_report

    return run_report(args, now)


def _sandbox(args: argparse.Namespace) -> int:
    """Serve the sandbox over HTTP until interrupted; it logs the URL it serves."""
    from oai_usage_sandbox.options import config_from_args
    from oai_usage_sandbox.server import MissingServerError, serve

    try:
        config = config_from_args(args)
        level = logging.getLevelName(args.log_level.upper())
        if not isinstance(level, int):
            raise ValueError(f"--log-level: unknown level {args.log_level!r}; use DEBUG, INFO, WARNING or ERROR")
    except ValueError as exc:
        raise CliError(str(exc)) from None
    logging.getLogger().setLevel(min(level, logging.getLogger().level))
    _check_port(args.host, args.port)
    try:
        serve(config, args.host, args.port)
    except MissingServerError as exc:  # the sandbox never imports the library: its error becomes the library's one
        raise errors.MissingDependencyError(str(exc)) from None
    return 0


def _check_port(host: str, port: int) -> None:
    """A busy or unusable address is a user mistake: one line and exit 2 (not uvicorn's log and exit 3)."""
    import socket

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CliError(f"--host {host}: cannot resolve it ({exc.strerror or exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise CliError(f"--port {port}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _completion(args: argparse.Namespace) -> int:
    from .completion import script

    sys.stdout.write(script(args.shell, build_parser()))
    return 0


def _pinned_now(args: argparse.Namespace, now: datetime | None) -> datetime:
    """The command's starting "now": --now (sandbox only), the caller's, else the wall clock. Against a server,
    each command then takes the server's now from its first answer (`fetch.server_now`)."""
    if args.pin_now is None:
        return (now or system_now()).replace(microsecond=0)
    if not args.sandbox:
        raise CliError("--now pins the built-in sandbox's clock: use it with --sandbox (a server keeps its own time)")
    return dates.parse_when(args.pin_now, now=now or system_now(), option="--now").replace(microsecond=0)


def _exit_code(exc: BaseException) -> int | None:
    """EXIT_USAGE for a user mistake, EXIT_API for an API or I/O failure, None for a bug (let it raise)."""
    mistakes = (CliError, dates.DateError, paths.OutputPathError, errors.ValidationError,
                errors.MissingAdminKeyError, errors.MissingDependencyError)  # fmt: skip
    if isinstance(exc, mistakes):
        return EXIT_USAGE
    if isinstance(exc, errors.OaiUsageError | paths.OutputIOError):
        return EXIT_API
    return None


def _message(exc: BaseException) -> str:
    """The one line shown for an error, in the CLI's words (the key hint names the variable, not admin_key=),
    through `output.visible`: a server's message, type, code, param or request id never sends a terminal escape
    (nor a newline: one line)."""
    return output.visible(str(exc).replace(errors.ADMIN_KEY_HINT, CLI_KEY_HINT))


class _VisibleFormatter(logging.Formatter):
    """Log lines on stderr with their message through `output.visible` (warnings quote server text)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = output.visible(record.message)
        return super().formatMessage(record)


def _log_to_stderr(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_VisibleFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


def run(argv: Sequence[str] | None = None, *, now: datetime | None = None) -> int:
    """Parse and run one command; returns the exit code (the console script calls sys.exit on it). A signal or a
    failure at any moment, the parsing included, is one line and its exit code."""
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        parser = build_parser(argv)
        args = _parse(parser, argv)
        level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
        _log_to_stderr(level)
        if args.sandbox and args.base_url is not None:
            raise CliError("--sandbox and --base-url cannot be combined: the sandbox runs in process; use one")
        moment = _pinned_now(args, now)
        if args.command == "completion":
            return _completion(args)
        if args.command == "sandbox":
            return _sandbox(args)
        if args.command == "report":
            return _report(args, moment)
        if args.command == "check":  # exit 3: a rule fired, 4: and a notification failed (cli/commands/check.py)
            from .commands.check import options_from
            from .commands.check import run as run_check

            return run_check(options_from(args, moment))
        if args.command in LISTINGS:
            from .listing import run_listing

            return run_listing(args, moment)
        if args.command == "export":
            from .focus import check_parquet_options, run_focus

            if args.focus is not None:
                return run_focus(args, moment)
            check_parquet_options(args)
        if args.command in ("sync", "export"):
            from .sync import run_export, run_sync

            return (run_sync if args.command == "sync" else run_export)(args, moment)
        return _export(args, args.endpoint if args.command == "usage" else "costs", moment)
    except BrokenPipeError:
        # The reader stopped early (`| head -1`): the same for every format and command, exit 0 quietly.
        return 0
    except SystemExit as exc:
        if isinstance(exc.__context__, BrokenPipeError):  # rich's Console turns a closed pipe into exit(1)
            return 0
        raise
    except KeyboardInterrupt:
        print("oai-usage: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"oai-usage: {exc.said}", file=sys.stderr)
        return 128 + exc.signum
    except Exception as exc:
        code = _exit_code(exc)
        if code is None:
            raise
        print(f"oai-usage: error: {_message(exc)}", file=sys.stderr)
        return code


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def _quiet_stdout() -> None:
    """After a closed pipe or a full disk, point stdout at /dev/null so the exit flush cannot fail again."""
    try:
        sys.stdout.flush()
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def main() -> NoReturn:
    """The console script: SIGTERM and SIGHUP (a closed terminal; not under nohup, which ignores it) clean up like
    Ctrl-C; exit codes 0, 1 (API/I/O), 2 (mistake), 3 and 4 (`check`: a rule fired; a notification failed), 129,
    130, 143."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    if signal.getsignal(signal.SIGHUP) is signal.SIG_DFL:
        signal.signal(signal.SIGHUP, _on_sigterm)
    try:
        code = run()
    except KeyboardInterrupt:  # between the handler's install and run's own (a few instructions)
        code = 130
    except Terminated as exc:
        code = 128 + exc.signum
    _quiet_stdout()
    sys.exit(code)
