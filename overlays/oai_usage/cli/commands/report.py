"""Internal: `oai-usage report`. ADAPTER, to be replaced: it declares the report's options as before and hands the
Namespace to `cli.report_run` unchanged, until the report becomes a command module of its own (typed `Options`)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime

from ..options import add_csv_raw, add_output, add_range
from .base import CommandSet

__all__ = ["Options", "register", "run"]


def register(commands: CommandSet) -> None:
    report = commands.add("report", "spend report: totals, projects, line items, models, trend", sys.modules[__name__])
    if commands.wanted("report"):
        from ..report_run import add_report_options
        from ..sync import add_report_db_options

        add_range(report, default_start=None)
        add_report_options(report)
        add_output(report)
        add_csv_raw(report)
        add_report_db_options(report)


@dataclass(frozen=True)
class Options:
    """ADAPTER: the parsed arguments as they are, for `report_run` (which still reads a Namespace)."""

    args: argparse.Namespace
    now: datetime

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(args, now)


def run(options: Options) -> int:
    from ..report_run import run_report

    return run_report(options.args, options.now)
