"""Internal: the CLI's exit codes and its one error type, `CliError`, which carries the code it exits with."""

from __future__ import annotations

import signal

__all__ = ["EXIT_API", "EXIT_TERMINATED", "EXIT_USAGE", "CliError"]

EXIT_API = 1
"""An API, database or I/O failure (the library's `OaiUsageError`s, a full disk)."""
EXIT_USAGE = 2
"""A user mistake: an option, a path, a date, a missing key."""
EXIT_TERMINATED = 128 + signal.SIGTERM


class CliError(Exception):
    """A failure found by the command line itself: one line (`message`), and the process exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
