"""Every example of README.md and docs/*.md runs against the sandbox and prints what the page shows.

The convention is in CONTRIBUTING.md ("Documentation") and tools/doc_examples.py, which runs the examples here and
rewrites their expected output with `python tools/doc_examples.py --update`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, load_script

doc_examples = load_script("tools/doc_examples.py", "doc_examples")
PAGES = doc_examples.doc_files()
COMMAND_LINE = re.compile(r"^\s*(?:\$\s*)?oai-usage\b")


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_example_of_the_page_prints_what_the_page_shows(page: Path) -> None:
    differing = []
    for example in doc_examples.run_page(page):
        if not doc_examples.matches(example.expected, example.printed):
            printed = "\n".join(example.printed)
            differing.append(f"{_name(page)}:{example.line}: {example.source.strip()}\n--- prints ---\n{printed}")
    assert not differing, f"run `{doc_examples.COMMAND}` and check the diff:\n" + "\n\n".join(differing)


def test_the_docs_have_runnable_examples_of_both_kinds() -> None:
    kinds = {(page.name, e.kind) for page in PAGES for e in doc_examples.examples(page)}
    assert {("README.md", "console"), ("README.md", "python"), ("client.md", "python")} <= kinds
    assert {("cli-guide.md", "console"), ("warehouse.md", "console")} <= kinds


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_a_console_block_holds_only_commands_and_their_output(page: Path) -> None:
    for block in doc_examples.blocks(page.read_text(encoding="utf-8")):
        if block.lang == "console":
            assert block.body and block.body[0].startswith("$ oai-usage "), f"{_name(page)}:{block.line}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_no_command_line_hides_in_a_block_that_is_not_run(page: Path) -> None:
    for block in doc_examples.blocks(page.read_text(encoding="utf-8")):
        if block.lang in {"sh", "bash", "shell", "text", ""}:
            hidden = [line for line in block.body if COMMAND_LINE.match(line)]
            assert not hidden, f"{_name(page)}:{block.line}: put these in a ```console block: {hidden}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_python_is_spelled_python_so_that_it_runs(page: Path) -> None:
    spelled = {b.lang for b in doc_examples.blocks(page.read_text(encoding="utf-8"))}
    assert not spelled & {"py", "python3", "pycon", "ipython"}, _name(page)


@pytest.mark.parametrize(
    ("expected", "printed", "same"),
    [
        (["a", "b"], ["a", "b  "], True),
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "...", "d"], ["a", "d"], True),
        (["a", "..."], ["a", "b"], True),
        (["a", "...", "d"], ["a", "b", "c"], False),
        (["a", "b"], ["a", "b", "c"], False),
        (["a"], ["b"], False),
    ],
)
def test_the_ellipsis_stands_for_any_lines_and_nothing_else_is_loose(
    expected: list[str], printed: list[str], same: bool
) -> None:
    assert doc_examples.matches(expected, printed) is same


def test_a_sandbox_command_without_a_pinned_clock_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```console\n$ oai-usage --sandbox projects --format csv\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="--now"):
        doc_examples.run_page(page)


@pytest.mark.parametrize(
    ("expected", "reshaped"),
    [
        (["a", "b"], ["1", "2", "3", "4"]),
        (["a", "..."], ["1", "..."]),
        (["a", "...", "z"], ["1", "...", "4"]),
        (["...", "y", "z"], ["...", "3", "4"]),
    ],
)
def test_an_update_keeps_the_shape_of_a_shortened_output(expected: list[str], reshaped: list[str]) -> None:
    assert doc_examples._reshaped(expected, ["1", "2", "3", "4"]) == reshaped
