"""docs/cli.md is what tools/gen_cli_reference.py makes of the parser today."""

from __future__ import annotations

import argparse
from types import ModuleType

from oai_usage.cli.main import build_parser

from tests.conftest import REPO, load_script


def _generator() -> ModuleType:
    return load_script("tools/gen_cli_reference.py", "gen_cli_reference")


def _choices(parser: argparse.ArgumentParser, dest: str) -> dict[str, argparse.ArgumentParser]:
    """The sub-parsers of `parser`'s sub-command action `dest`."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction) and a.dest == dest)
    return dict(action.choices)


def test_the_cli_reference_is_what_the_parser_gives() -> None:
    generator = _generator()
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == generator.render(build_parser()), f"docs/cli.md is stale: run `{generator.COMMAND}`"


def test_the_cli_reference_lists_every_command_and_usage_endpoint() -> None:
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _choices(build_parser(), "command")
    assert all(f"## oai-usage {name}\n" in text for name in commands)
    assert all(f"### oai-usage usage {e}\n" in text for e in _choices(commands["usage"], "endpoint"))
