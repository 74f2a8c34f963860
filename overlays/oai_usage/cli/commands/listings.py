"""Internal: the Admin listings `oai-usage projects`, `users`, `keys` and `limits`: the organization around the
numbers (one module for the four: they share their options and their run, and differ only in the rows)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime

from ..options import Connection, add_csv_raw, add_format, add_output, add_profile
from ..output import FORMATS
from .base import CommandSet

__all__ = ["LISTINGS", "Options", "register", "run"]

# help here: building the parser imports no client code (cli/listing.py reads the lists)
LISTINGS = {
    "projects": "list the projects (archived ones included) with their status",
    "users": "list the users: e-mail, name, role",
    "keys": "list every project's API keys (owner, redacted value, last use) and the admin keys",
    "limits": "list the spend limits and alerts of the organization and its projects, in dollars",
}


def register(commands: CommandSet) -> None:
    for name, text in LISTINGS.items():
        listing = commands.add(name, text, sys.modules[__name__])
        add_format(listing, FORMATS)
        add_output(listing)
        add_csv_raw(listing)
        add_profile(listing)


@dataclass(frozen=True)
class Options:
    """What a listing was asked: which one, where from, in what format, to where."""

    command: str
    now: datetime
    connection: Connection
    format: str
    output: str | None
    csv_raw: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(args.command, now, Connection.from_args(args), args.format, args.output, args.csv_raw)


def run(options: Options) -> int:
    from ..listing import run_listing

    return run_listing(options.command, options.connection, options.now, format=options.format,
                       output_path=options.output, csv_raw=options.csv_raw)  # fmt: skip
