"""Internal: the options several commands share, each declared once, and the one reader of their values.

A command module adds its options with these helpers (`add_output`, `add_format`, `add_profile`, `add_range`,
`add_database`, `add_id_lists`, ...) and reads them back in ONE place, its `Options.from_args`, with the typed
groups here (`Connection`, `Database`). No `argparse.Namespace` travels past the command module.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..timeparse import iso_datetime
from . import dates
from .exit_codes import CliError

__all__ = [
    "CONFIG_HELP",
    "CSV_RAW_HELP",
    "ID_LISTS",
    "PROFILE_HELP",
    "Connection",
    "Database",
    "Range",
    "add_config",
    "add_csv_raw",
    "add_database",
    "add_format",
    "add_global",
    "add_id_lists",
    "add_output",
    "add_profile",
    "add_range",
    "comma_list",
    "one_value",
    "parse_range",
    "wait_seconds",
]

CONFIG_HELP = "oai-usage.toml (default: ./oai-usage.toml, then $XDG_CONFIG_HOME/oai-usage/oai-usage.toml)"
CSV_RAW_HELP = ("csv: keep text cells that start with =, +, -, @, tab or CR as they are (by default they get a leading "
                "' so that a spreadsheet never runs them as formulas)")  # fmt: skip
ID_LISTS = ("project_ids", "api_key_ids", "user_ids")
"""The filters that take IDs (or names, resolved to IDs): --project-ids, --api-key-ids, --user-ids."""


def comma_list(text: str) -> list[str]:
    """The one reader of a comma-separated option value: items are stripped, and empty items are dropped
    (`a,,b,` is `a`, `b`; an empty value is no item), for every A,B option of every command."""
    return [part.strip() for part in text.split(",") if part.strip()]


def one_value(text: str) -> list[str]:
    """A list option whose values may hold commas (costs line items such as "gpt-image-1, 1024x1792"): one per flag."""
    return [text]


def wait_seconds(text: str) -> float:
    """--wait: a number of seconds from 0 to 86400 (`nan` would wait for ever, a negative number means nothing)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 <= value <= 86400):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def add_output(parser: argparse.ArgumentParser) -> None:
    """-o/--output FILE: the output file, written only once complete."""
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (only once complete) instead of stdout")


def add_format(parser: argparse.ArgumentParser, formats: Sequence[str], default: str = "table") -> None:
    """--format, one of `formats`."""
    parser.add_argument("--format", choices=formats, default=default, help=f"output format (default: {default})")


def add_csv_raw(parser: argparse.ArgumentParser) -> None:
    """--csv-raw, for every command that writes CSV."""
    parser.add_argument("--csv-raw", action="store_true", help=CSV_RAW_HELP)


PROFILE_HELP = ("the organization: a profile of oai-usage.toml (its key variable, base URL and organization ID); "
                "default: OPENAI_ADMIN_KEY")  # fmt: skip


def add_profile(
    parser: argparse.ArgumentParser,
    *,
    all_profiles: bool = False,
    profile_help: str = PROFILE_HELP,
    config_help: str = CONFIG_HELP,
    all_profiles_help: str = "every profile of oai-usage.toml",
) -> None:
    """--profile NAME and --config FILE (and --all-profiles): the organization, from oai-usage.toml."""
    parser.add_argument("--profile", metavar="NAME", help=profile_help)
    add_config(parser, config_help)
    if all_profiles:
        parser.add_argument("--all-profiles", action="store_true", help=all_profiles_help)


def add_config(parser: argparse.ArgumentParser, help: str = CONFIG_HELP) -> None:
    """--config FILE: oai-usage.toml."""
    parser.add_argument("--config", metavar="FILE", help=help)


def add_range(parser: argparse.ArgumentParser, *, default_start: str | None, tz: bool = True,
              since: str | None = None) -> None:  # fmt: skip
    """--start and --end (and --tz; and --since with its help, for the commands that take a span)."""
    parser.add_argument("--start", default=default_start, help=f"range start, inclusive: {dates.ALLOWED}; {dates.RULE}")
    parser.add_argument("--end", help="range end, exclusive (default: now); same forms as --start")
    if tz:
        parser.add_argument("--tz", metavar="ZONE", help=f"read dates and build days in this IANA time zone "
                            f"(default: ${dates.TZ_VARIABLE} or UTC); exports add local-time columns")  # fmt: skip
    if since is not None:
        parser.add_argument("--since", help=since)


def add_database(parser: argparse.ArgumentParser, *, db_help: str | None = None, wait_help: str | None = None) -> None:
    """--db PATH and --wait SECONDS: the DuckDB warehouse (its --config and --profile come from `add_profile`)."""
    parser.add_argument("--db", metavar="PATH", help=db_help or "the DuckDB file (default: "
                        "$XDG_DATA_HOME/oai-usage/usage.duckdb)")  # fmt: skip
    parser.add_argument("--wait", type=wait_seconds, default=0.0, metavar="SECONDS", help=wait_help or "wait up to "
                        "SECONDS for another sync of the database (default: exit at once)")  # fmt: skip


def add_id_lists(
    parser: argparse.ArgumentParser, names: Sequence[str] = ID_LISTS, *, helps: dict[str, str] | None = None
) -> None:
    """--project-ids, --api-key-ids, --user-ids (those of `names`): comma-separated, repeatable, IDs or names."""
    for name in names:
        text = (helps or {}).get(name, "comma-separated, repeatable; IDs or names")
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=comma_list, action="extend", metavar="A,B",
                            help=text)  # fmt: skip


@dataclass(frozen=True)
class Range:
    """A checked half-open range [start, end)."""

    start: datetime
    end: datetime


def parse_range(start: str, end: str | None, *, now: datetime, tz: tzinfo) -> Range:
    """The one reader of --start/--end: dates in `tz`, the end by default now, never in the future, after the start."""
    first = dates.parse_when(start, now=now, option="--start", tz=tz)
    last = dates.parse_when(end, now=now, option="--end", tz=tz) if end else now
    dates.check_not_future(first, last, now)
    if last <= first:
        raise CliError(f"--end ({iso_datetime(last)}) must be after --start ({iso_datetime(first)})")
    return Range(first, last)


@dataclass(frozen=True)
class Connection:
    """Where a command's client goes: the in-process sandbox, a profile of oai-usage.toml, or the API."""

    sandbox: bool = False
    base_url: str | None = None
    allow_insecure_http: bool = False
    profile: str | None = None
    config: str | None = None
    verbose: int = 0

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Connection:
        return cls(
            sandbox=bool(args.sandbox),
            base_url=args.base_url,
            allow_insecure_http=bool(args.allow_insecure_http),
            profile=getattr(args, "profile", None),
            config=getattr(args, "config", None),
            verbose=int(args.verbose),
        )


@dataclass(frozen=True)
class Database:
    """The warehouse a command reads or writes: --db (else the config's, else the default), --config, --wait."""

    db: str | None = None
    config: str | None = None
    wait: float = 0.0
    sandbox: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Database:
        return cls(db=args.db, config=getattr(args, "config", None), wait=float(args.wait), sandbox=bool(args.sandbox))


def add_global(parser: argparse.ArgumentParser, *, suppress: bool, version: str | None = None) -> None:
    """The global options, accepted before or after the command (`suppress`: on a command, where an absent option
    must not overwrite the value given before it)."""
    default: object = argparse.SUPPRESS if suppress else None
    parser.add_argument("--sandbox", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="run against the built-in sandbox (synthetic data, no key, no network)")  # fmt: skip
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
    if version is not None:
        parser.add_argument("--version", action="version", version=version)
