"""Internal: `oai-usage costs`: daily costs over a range (table, CSV, JSON, JSONL)."""

from __future__ import annotations

import sys

from ..endpoint_export import ExportOptions, add_export_options, run_export
from .base import CommandSet

__all__ = ["Options", "register", "run"]

Options = ExportOptions
"""costs' options: those of every endpoint export (`ExportOptions.from_args` reads them)."""


def register(commands: CommandSet) -> None:
    costs = commands.add("costs", "export daily costs", sys.modules[__name__])
    if commands.wanted("costs"):
        add_export_options(costs, "costs")


def run(options: Options) -> int:
    return run_export(options)
