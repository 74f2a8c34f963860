"""Internal: what every command module uses to register itself (`CommandSet`) and the parser class of the CLI."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn, Protocol

from ..exit_codes import EXIT_USAGE
from ..options import add_global
from ..output import visible

__all__ = ["Command", "CommandOptions", "CommandSet", "Parser", "wanted_command"]


class Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {visible(message)}\n")  # it quotes what the user typed


class CommandOptions(Protocol):
    """A command's typed options: read from the parsed arguments in one place."""


class Command(Protocol):
    """What a command module provides (see the package's docstring)."""

    def register(self, commands: CommandSet) -> None: ...


def wanted_command(argv: Sequence[str] | None) -> tuple[str | None, str | None] | None:
    """The command (and usage endpoint) `argv` names, so that only its options are built; None: build all."""
    if argv is None:
        return None
    valued = ("--base-url", "--now")  # global options whose value is the next word
    words = [w for i, w in enumerate(argv) if not w.startswith("-") and (i == 0 or argv[i - 1] not in valued)]
    command = words[0] if words else None
    if command == "completion":
        return None  # the completion script walks every command's options
    endpoint = words[1] if command == "usage" and len(words) > 1 else None
    return command, endpoint


class CommandSet:
    """The `COMMAND` subparsers being built: a command module adds its own, and builds its options only when
    `wanted` (a command line builds the options of the command it names alone: a fast start)."""

    def __init__(self, root: argparse.ArgumentParser, wanted: tuple[str | None, str | None] | None) -> None:
        self.root = root
        self._wanted = wanted
        self._subparsers = root.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
        self.names: list[str] = []

    def wanted(self, command: str, endpoint: str | None = None) -> bool:
        """Whether the options of `command` (of its `endpoint`, for usage) are to be built."""
        wanted = self._wanted
        return wanted is None or wanted == (command, endpoint) or (endpoint is None and wanted[0] == command)

    def add(self, name: str, help: str, module: ModuleType, *, global_options: bool = True) -> argparse.ArgumentParser:
        """A new command `name`, run by `module` (its `Options.from_args` and `run`), with the global options."""
        parser = self._subparsers.add_parser(name, help=help)
        if global_options:
            add_global(parser, suppress=True)
        parser.set_defaults(command_module=module)
        self.names.append(name)
        return parser
