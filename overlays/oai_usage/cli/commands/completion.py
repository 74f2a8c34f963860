"""Internal: `oai-usage completion SHELL`: print a shell completion script (bash, zsh or fish)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime

from .base import CommandSet

__all__ = ["SHELLS", "Options", "register", "run"]

SHELLS = ("bash", "zsh", "fish")


def register(commands: CommandSet) -> None:
    completion = commands.add("completion", "print a shell completion script: bash, zsh or fish",
                              sys.modules[__name__], global_options=False)  # fmt: skip
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    completion.set_defaults(root_parser=commands.root)  # the whole command line, every option built


@dataclass(frozen=True)
class Options:
    shell: str
    parser: argparse.ArgumentParser

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(args.shell, args.root_parser)


def run(options: Options) -> int:
    from ..completion import script

    sys.stdout.write(script(options.shell, options.parser))
    return 0
