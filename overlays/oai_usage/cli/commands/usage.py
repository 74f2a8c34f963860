"""Internal: `oai-usage usage ENDPOINT`: one usage endpoint's rows over a range (table, CSV, JSON, JSONL)."""

from __future__ import annotations

import sys

from ..endpoint_export import RowsOptions, add_endpoint_options, write_endpoint_rows
from ..endpoint_names import USAGE_ENDPOINTS  # generated from the registry by tools/gen_methods.py
from ..options import add_global
from .base import CommandSet, Parser

__all__ = ["Options", "register", "run"]

Options = RowsOptions
"""usage's options: those of every endpoint export (`RowsOptions.from_args` reads them)."""


def register(commands: CommandSet) -> None:
    usage = commands.add("usage", "export usage of one endpoint", sys.modules[__name__], global_options=False)
    endpoints = usage.add_subparsers(dest="endpoint", metavar="ENDPOINT", parser_class=Parser)
    for name in USAGE_ENDPOINTS:
        sub = endpoints.add_parser(name, help=f"/organization/usage/{name}")
        add_global(sub, suppress=True)
        if commands.wanted("usage", name):
            add_endpoint_options(sub, name)


def run(options: Options) -> int:
    return write_endpoint_rows(options)
