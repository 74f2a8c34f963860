"""Internal: `oai-usage`: builds the command line from the command modules (`cli/commands/`), dispatches to the one
named, maps errors to exit codes, and handles signals and logging.

User mistakes exit 2 with one line naming the problem and what is allowed; API failures exit 1 with the API's
message. No tracebacks for either, and the admin key is never printed.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from types import FrameType
from typing import NoReturn

# Only light modules at import time: `--help`, `--version` and completion must start fast. The client
# (httpx, the generated models), rich, the sandbox and the report modules are imported by the commands.
from .. import __version__, errors
from ..clock import system_now
from . import dates, output, paths
from .commands import completion, costs, export, listings, report, sandbox, sync, usage
from .commands.base import CommandSet, Parser, wanted_command
from .endpoint_names import USAGE_ENDPOINTS  # generated from the registry by tools/gen_methods.py
from .exit_codes import EXIT_API, EXIT_TERMINATED, EXIT_USAGE, CliError
from .options import add_global

__all__ = [
    "EXIT_API",
    "EXIT_CODES",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "MODULES",
    "CliError",
    "Terminated",
    "build_parser",
    "error_line",
    "exit_code",
    "main",
    "run",
]

log = logging.getLogger("oai_usage.cli")

MODULES = (usage, costs, report, listings, sync, export, sandbox, completion)
"""The command modules, in the order of `oai-usage --help` (each registers its command(s))."""

CLI_KEY_HINT = "set OPENAI_ADMIN_KEY to an Admin API key (sk-admin-...) with usage read access"
CLI_WORDS = {errors.ADMIN_KEY_HINT: CLI_KEY_HINT, "allow_insecure_http=True": "--allow-insecure-http"}
"""The library's advice in Python words, and the same advice on the command line."""

EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (errors.ValidationError, EXIT_USAGE),
    (errors.MissingAdminKeyError, EXIT_USAGE),
    (errors.MissingDependencyError, EXIT_USAGE),
    (errors.OaiUsageError, EXIT_API),
    (paths.OutputIOError, EXIT_API),
)
"""The one table from a library error (and a failed write) to its exit code, first match wins; a `CliError` (a date,
a path, an option) carries its own code; anything else is a bug, and raises."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so that partial output files are removed on the way out
    (exit 128 + the signal: 143, 129)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = int(signum)

    @property
    def said(self) -> str:
        return "hung up" if self.signum == signal.SIGHUP else "terminated"


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given `argv`, only the options of the command it names are built (fast start)."""
    parser = Parser(prog="oai-usage", description="OpenAI organization usage and costs: exports and reports.")
    add_global(parser, suppress=False, version=f"oai-usage {__version__}")
    commands = CommandSet(parser, wanted_command(argv))
    for module in MODULES:
        module.register(commands)
    parser.set_defaults(command_names=tuple(commands.names))
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
        parser.error(f"missing COMMAND; one of {', '.join(args.command_names)} (oai-usage --help)")
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


def _pinned_now(args: argparse.Namespace, now: datetime | None) -> datetime:
    """The command's starting "now": --now (sandbox only), the caller's, else the wall clock. Against a server,
    each command then takes the server's now from its first answer (`connect.server_now`)."""
    if args.pin_now is None:
        return (now or system_now()).replace(microsecond=0)
    if not args.sandbox:
        raise CliError("--now pins the built-in sandbox's clock: use it with --sandbox (a server keeps its own time)")
    return dates.parse_when(args.pin_now, now=now or system_now(), option="--now").replace(microsecond=0)


def exit_code(exc: BaseException) -> int | None:
    """The exit code of a failure: a CliError's own, else the first match in EXIT_CODES; None for a bug."""
    if isinstance(exc, CliError):
        return exc.exit_code
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), None)


FLAGS = {"database": "--db", "parquet": "--parquet", "focus": "--focus", "config": "--config", "profile": "--profile"}
"""The option that gave a value the library's (warehouse's) error names by its `param`: the line starts with it."""
HINTS = {"wait": " (--wait SECONDS)"}
"""The option that is the way round a failure whose `param` names it: the line ends with it."""


def error_line(exc: BaseException) -> str:
    """The one line shown for an error, in the CLI's words: the option behind a library error's value (the library
    names no option), the key hint naming the variable (not admin_key=); through `output.visible`: a server's
    message, type, code, param or request id never sends a terminal escape (nor a newline: one line)."""
    said = str(exc)
    for python, cli in CLI_WORDS.items():
        said = said.replace(python, cli)
    param = getattr(exc, "param", None)
    if isinstance(exc, errors.ValidationError) and param in FLAGS:
        said = f"{FLAGS[param]} {said}"
    elif isinstance(exc, errors.OaiUsageError) and not isinstance(exc, errors.APIError) and param in HINTS:
        said += HINTS[param]
    return output.visible(said)


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
        command = args.command_module
        return int(command.run(command.Options.from_args(args, moment)))
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
        code = exit_code(exc)
        if code is None:
            raise
        print(f"oai-usage: error: {error_line(exc)}", file=sys.stderr)
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
    Ctrl-C; exit codes 0, 1 (API/I/O), 2 (mistake), 129, 130, 143."""
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
