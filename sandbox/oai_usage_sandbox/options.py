"""The sandbox's command-line options: `build_arg_parser` (also the CLI's `oai-usage sandbox` options) and
`config_from_args` (parsed options to a `SandboxConfig`). Kept out of `__main__` so importing them runs nothing.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date

from .config import (
    ADMIN_OPERATION_IDS,
    FAULT_NAMES,
    MAX_COSTS_REVISION_HOURS,
    MAX_SPIKE_FACTOR,
    MAX_USAGE_REVISION_MINUTES,
    SHAPE_NAMES,
    SandboxConfig,
)
from .ratelimit import RATE_LIMIT_SCOPES, parse_rate

__all__ = ["build_arg_parser", "config_from_args"]


def _fault_list(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in FAULT_NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown faults {unknown}; choose from {', '.join(FAULT_NAMES)}")
    return names


def _operation_list(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in ADMIN_OPERATION_IDS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown operations {unknown}; choose from {', '.join(ADMIN_OPERATION_IDS)}")
    return names


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _rate_limit(text: str) -> int:
    try:
        return parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _bounded(what: str, maximum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be an integer, got {text!r}") from None
        if not 0 <= value <= maximum:
            raise argparse.ArgumentTypeError(f"{what} must be between 0 and {maximum}, got {value}")
        return value

    return parse


_PROJECT_ID = re.compile(r"^proj_[A-Za-z0-9]{1,64}$")


def _spike(text: str) -> tuple[int, str, int]:
    """--spike DAY:PROJECT:FACTOR (2026-11-23:proj_abc:8) as (Unix day, project id, factor)."""
    parts = text.split(":")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: use DAY:PROJECT:FACTOR, e.g. 2026-11-23:proj_abc:8")
    day_text, project, factor_text = parts
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: DAY must be a date, YYYY-MM-DD") from None
    if not _PROJECT_ID.match(project):
        raise argparse.ArgumentTypeError(f"{text!r}: PROJECT must be a project id (proj_...)")
    if not factor_text.isdigit() or not 1 <= int(factor_text) <= MAX_SPIKE_FACTOR:
        raise argparse.ArgumentTypeError(f"{text!r}: FACTOR must be a whole number from 1 to {MAX_SPIKE_FACTOR}")
    return (day - date(1970, 1, 1)).days, project, int(factor_text)


def _project_limit(text: str) -> tuple[str, int]:
    """--project-limit PROJECT=DOLLARS (proj_abc=1500.50) as (project id, cents)."""
    project, equals, dollars = text.partition("=")
    if not equals or not _PROJECT_ID.match(project):
        raise argparse.ArgumentTypeError(f"{text!r}: use PROJECT=DOLLARS, e.g. proj_abc=1500")
    try:
        cents = round(float(dollars) * 100)
    except ValueError:
        cents = -1
    if not 0 <= cents <= 10**12:
        raise argparse.ArgumentTypeError(f"{text!r}: DOLLARS must be a number from 0 to 10000000000")
    return project, cents


def build_arg_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The sandbox's options, added to `parser` (e.g. a CLI subcommand) or to a new parser."""
    p = parser or argparse.ArgumentParser(prog="oai_usage_sandbox", description="Serve the OpenAI Usage API sandbox.")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to bind, 0 for any free port (default 8000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic organization (default 0)")
    p.add_argument("--scale", type=int, default=1, help="grow projects, keys, users and models (default 1)")
    p.add_argument("--latency-ms", type=int, default=0, help="delay added to every request (default 0)")
    p.add_argument("--fault-rate", type=_rate, default=0.0, help="probability a request is faulted (default 0)")
    p.add_argument("--fault-seed", type=int, default=0, help="seed of the fault sequence (default 0)")
    p.add_argument("--faults", type=_fault_list, default=FAULT_NAMES, help=f"comma list of: {','.join(FAULT_NAMES)}")
    p.add_argument("--now", type=int, default=None, help="pin 'now' (Unix seconds) instead of the wall clock")
    p.add_argument("--history-days", type=int, default=120, help="days of data before now (default 120)")
    p.add_argument("--slow-seconds", type=float, default=2.0, help="delay of a 'slow' fault (default 2)")
    p.add_argument(
        "--usage-revision-minutes",
        type=_bounded("usage revision minutes", MAX_USAGE_REVISION_MINUTES),
        default=15,
        help="usage of the last N closed minutes still grows toward its final value; 0 = final at once (default 15)",
    )
    p.add_argument(
        "--costs-revision-hours",
        type=_bounded("costs revision hours", MAX_COSTS_REVISION_HOURS),
        default=36,
        help="costs of the last N hours still grow toward their final value; 0 = final at once (default 36)",
    )
    p.add_argument(
        "--forbidden-operations",
        type=_operation_list,
        default=(),
        metavar="A,B",
        help="Admin operations (operationIds, e.g. listUsers,listProjectApiKeys) answered 403, as for a restricted key",
    )
    p.add_argument(
        "--shape",
        choices=SHAPE_NAMES,
        default="current",
        help="response shape: current (every key of openapi.yaml) or legacy (the older shape real captures show: no "
        "token breakdowns, service_tier or api_source; costs with organization_id) (default current)",
    )
    p.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=0,
        metavar="N/min",
        help="requests a minute per key (token bucket holding one second's worth); past it, 429 with Retry-After and "
        "x-ratelimit-* headers (default: no limit)",
    )
    p.add_argument(
        "--rate-limit-per",
        choices=RATE_LIMIT_SCOPES,
        default="key",
        help="what one limit counts: each API key, or each OpenAI-Organization (default: key)",
    )
    p.add_argument(
        "--spike",
        type=_spike,
        action="append",
        default=[],
        metavar="DAY:PROJECT:FACTOR",
        help="multiply a project's traffic and costs on one UTC day by a whole FACTOR (repeatable), e.g. "
        "2026-11-23:proj_abc:8: an unusual day for `oai-usage check`",
    )
    p.add_argument(
        "--project-limit",
        type=_project_limit,
        action="append",
        default=[],
        metavar="PROJECT=DOLLARS",
        help="set a project's monthly spend limit (repeatable), e.g. proj_abc=1500",
    )
    p.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    return p


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """A SandboxConfig from parsed options."""
    return SandboxConfig(
        seed=args.seed,
        scale=args.scale,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        faults=tuple(args.faults),
        now=args.now,
        history_days=args.history_days,
        slow_seconds=args.slow_seconds,
        usage_revision_minutes=args.usage_revision_minutes,
        costs_revision_hours=args.costs_revision_hours,
        forbidden_operations=tuple(args.forbidden_operations),
        shape=args.shape,
        rate_limit=args.rate_limit,
        rate_limit_scope=args.rate_limit_per,
        spikes=tuple(args.spike),
        project_limits=tuple(args.project_limit),
    )
