"""Internal: the commands of `oai-usage`, one module each, and the contract they keep.

A command module has:

- `register(commands: CommandSet) -> None`: adds its subparser with `commands.add(name, help, module)` and, when
  `commands.wanted(name)`, its options, declared with the shared helpers of `cli.options`;
- `Options`: a small frozen dataclass with `from_args(args, now) -> Options`, the ONE place where the command reads
  the `argparse.Namespace` (no Namespace travels past the command module);
- `run(options: Options) -> int`: runs the command and returns its exit code; failures are raised (a `CliError`
  carrying its exit code, or a library error that `cli.main` maps to one).

`cli.main` builds the parser from `MODULES` (in this order: the order of `oai-usage --help`), dispatches to the
module that registered the command, maps errors to exit codes and handles signals and logging.
"""

from __future__ import annotations

__all__: list[str] = []
