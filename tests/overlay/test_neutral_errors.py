"""The library and the warehouse name no command-line option in what they raise: an error names the value and the
parameter (`param`), and the CLI adds the option where it knows it (`--db`, `--parquet`, ...)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "overlays" / "oai_usage"
SKIPPED = ("cli", "generated")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
# a command line to run, e.g. `oai-usage sync --since 30d`, is advice, not an option of the caller
COMMAND_LINE = re.compile(r"oai-usage [a-z]+(?: --[a-z-]+(?: \S+)?)*")


def _raised_text(path: Path) -> Iterator[tuple[int, str]]:
    """The literal text of every `raise` statement of a module (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for part in ast.walk(node.exc):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    yield node.lineno, part.value


def _flags(text: str) -> list[str]:
    return FLAG.findall(COMMAND_LINE.sub("", text))


def test_the_scan_finds_a_flag_but_not_a_command_to_run() -> None:
    assert _flags("--db x.duckdb: not a regular file") == ["--db"]
    assert _flags("run oai-usage sync --since 30d") == []
    assert _flags("a well-known value") == []


def _modules() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py")) if p.relative_to(ROOT).parts[0] not in SKIPPED]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_option_is_named_in_what_the_library_raises(path: Path) -> None:
    named = [(line, text) for line, text in _raised_text(path) if _flags(text)]
    assert named == []
