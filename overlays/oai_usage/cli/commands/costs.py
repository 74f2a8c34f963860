"""Internal: `oai-usage costs`: daily costs over a range (table, CSV, JSON, JSONL)."""

from __future__ import annotations

import sys

from ..endpoint_export import RowsOptions, add_endpoint_options, write_endpoint_rows
from .base import CommandSet

__all__ = ["Options", "register", "run"]

Options = RowsOptions
"""costs' options: those of every endpoint export (`RowsOptions.from_args` reads them)."""


def register(commands: CommandSet) -> None:
    costs = commands.add("costs", "export daily costs", sys.modules[__name__])
    if commands.wanted("costs"):
        add_endpoint_options(costs, "costs")


def run(options: Options) -> int:
    return write_endpoint_rows(options)
