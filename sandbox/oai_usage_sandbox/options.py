"""The sandbox's command-line options: `build_arg_parser` (also the CLI's `oai-usage sandbox` options) and
`config_from_args` (parsed options to a `SandboxConfig`). Kept out of `__main__` so importing them runs nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .config import (
    ADMIN_OPERATION_IDS,
    FAULT_NAMES,
    MAX_COSTS_REVISION_HOURS,
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
    )
