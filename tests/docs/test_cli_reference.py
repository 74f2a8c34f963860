"""docs/cli.md is what tools/gen_cli_reference.py makes of the parser today."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from oai_usage.cli.main import build_parser

from tests.conftest import REPO


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_reference", REPO / "tools" / "gen_cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_what_the_parser_gives() -> None:
    generator = _generator()
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == generator.render(build_parser()), f"docs/cli.md is stale: run `{generator.COMMAND}`"


def test_the_cli_reference_lists_every_command_and_usage_endpoint() -> None:
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert commands.choices is not None
    for name, sub in commands.choices.items():
        assert f"## oai-usage {name}\n" in text, name
    usage = commands.choices["usage"]
    endpoints = next(a for a in usage._actions if a.dest == "endpoint")
    assert endpoints.choices is not None
    assert all(f"### oai-usage usage {e}\n" in text for e in endpoints.choices)
