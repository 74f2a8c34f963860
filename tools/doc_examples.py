"""Run every example of README.md and docs/*.md against the sandbox, and check (or rewrite) the output they show.

    python tools/doc_examples.py            # run them all; exit 1 and name each example whose output differs
    python tools/doc_examples.py --update   # rewrite the expected output of every example with what it prints

The convention (CONTRIBUTING.md, "Documentation"):

* A ```console block holds commands, each on a line starting with `$ oai-usage `, followed by the output the
  command prints (stdout, then stderr). A command that talks to the API runs on the built-in sandbox at a pinned
  instant: it says `--sandbox --now WHEN`.
* A ```python block is run; what it prints is shown in the ```text block right after it (a block followed by no
  ```text block prints nothing). The Python blocks of one page run in order in one namespace, so a later block may
  use what an earlier one defined.
* Trailing spaces are not compared. A line holding only `...` in an expected output stands for any number of lines
  (none included): for long output the page shows the beginning, the end, or both (`--update` keeps that shape: as
  many first and last lines as the page showed, around one `...`).
* The blocks of one page run in one fresh working directory (with HOME, XDG_DATA_HOME and XDG_CONFIG_HOME inside
  it and no OPENAI_* variables), in order, so a page may write a file and read it further down; the library's wall
  clock reads 2026-11-24T15:30:00Z, as in the tests.

Other blocks (```sh, ```toml, ```sql, ...) are not run by this tool; an `oai-usage` command line belongs in a
```console block, never in a ```sh one (tests/docs/test_examples.py checks it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python tools/doc_examples.py --update"
WALL_CLOCK = 1_795_534_200
"""2026-11-24T15:30:00Z: the library's and the sandbox's wall clock while the examples run (the tests' TEST_NOW)."""
ELLIPSIS = "..."
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[^`\s]*)\s*$")
ENV_VARS = ("OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_API_KEY",
            "OAI_USAGE_TZ", "OAI_USAGE_CONFIG")  # fmt: skip

__all__ = ["COMMAND", "Block", "Example", "blocks", "doc_files", "examples", "main", "matches", "run_page"]

for folder in ("generated", "overlays", "sandbox"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, the line of its opening fence (1-based), its lines, its closing fence's line."""

    lang: str
    line: int
    body: list[str]
    end: int


@dataclass
class Example:
    """One runnable example: a console command or a Python block, with the output the page shows."""

    path: Path
    line: int
    kind: str
    source: str
    expected: list[str]
    expected_span: tuple[int, int] | None = None
    """The 0-based [first, last) lines of the page holding the expected output (for --update)."""
    printed: list[str] = field(default_factory=list)


def doc_files() -> list[Path]:
    """The pages whose examples run: README.md and every docs/*.md."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, in order."""
    found: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent = len(opening["indent"])
        end = index + 1
        while end < len(lines) and not re.match(r"^\s*```\s*$", lines[end]):
            end += 1
        body = [line[indent:] if not line[:indent].strip() else line.lstrip() for line in lines[index + 1 : end]]
        found.append(Block(opening["lang"], index + 1, body, end + 1))
        index = end + 1
    return found


def examples(path: Path) -> list[Example]:
    """The runnable examples of one page, in order."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found: list[Example] = []
    all_blocks = blocks(text)
    for position, block in enumerate(all_blocks):
        if block.lang == "console":
            starts = [k for k, line in enumerate(block.body) if line.startswith("$ ")]
            for k, following_start in zip(starts, [*starts[1:], len(block.body)], strict=True):
                at = block.line + k  # 0-based index of the command's line in the page
                shown = block.body[k + 1 : following_start]
                found.append(
                    Example(path, at + 1, "console", block.body[k][2:], shown, (at + 1, block.line + following_start))
                )
        elif block.lang == "python":
            expected: list[str] = []
            span: tuple[int, int] | None = None
            following = all_blocks[position + 1] if position + 1 < len(all_blocks) else None
            between = lines[block.end : following.line - 1] if following is not None else []
            if following is not None and following.lang == "text" and not any(s.strip() for s in between):
                expected = list(following.body)
                span = (following.line, following.end - 1)
            found.append(Example(path, block.line, "python", "\n".join(block.body) + "\n", expected, span))
    return found


def matches(expected: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are what the page shows: trailing spaces aside, `...` standing for any lines."""
    want = [line.rstrip() for line in expected]
    got = [line.rstrip() for line in printed]
    while want and not want[-1]:
        want.pop()
    while got and not got[-1]:
        got.pop()
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line == ELLIPSIS else re.escape(line) + r"\n" for line in want
    )  # one line per "\n"; `...` takes the fewest lines that let the rest match
    return re.fullmatch(pattern, "".join(line + "\n" for line in got)) is not None


@contextlib.contextmanager
def _page_environment(folder: Path) -> Iterator[None]:
    """A fresh working directory, HOME and XDG folders inside it, no OPENAI_* variables, the wall clock pinned."""
    import oai_usage.clock
    import oai_usage_sandbox.config

    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    saved_clocks = (oai_usage.clock.system_time, oai_usage_sandbox.config.system_time)
    try:
        for name in ENV_VARS:
            os.environ.pop(name, None)
        os.environ.update(HOME=str(folder), XDG_DATA_HOME=str(folder / ".local" / "share"),
                          XDG_CONFIG_HOME=str(folder / ".config"))  # fmt: skip
        os.chdir(folder)
        oai_usage.clock.system_time = oai_usage_sandbox.config.system_time = lambda: float(WALL_CLOCK)
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        oai_usage.clock.system_time, oai_usage_sandbox.config.system_time = saved_clocks


def _run_console(command: str) -> list[str]:
    from oai_usage.cli.main import run

    argv = shlex.split(command)
    if not argv or argv[0] != "oai-usage":
        raise ValueError(f"a console example runs oai-usage, not {argv[:1]}: {command}")
    if "--sandbox" in argv and "--now" not in argv:
        raise ValueError(f"a sandbox example pins its clock with --now WHEN: {command}")
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []  # the command installs its own stderr handler, as in a fresh process: warnings are shown
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            run(argv[1:])
    finally:
        root.handlers, root.level = handlers, level
    return out.getvalue().splitlines() + err.getvalue().splitlines()


def _run_python(source: str, namespace: dict[str, Any], name: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, name, "exec"), namespace)  # the docs' own examples
    return out.getvalue().splitlines()


def _shown(path: Path) -> str:
    """The page's path as a message names it: relative to the repository when it lies inside."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def run_page(path: Path) -> list[Example]:
    """Run the examples of one page in order (see the module's docstring); each gets its `printed` lines."""
    found = examples(path)
    with tempfile.TemporaryDirectory(prefix="oai-usage-docs-") as folder, _page_environment(Path(folder)):
        namespace: dict[str, Any] = {"__name__": "__docs__"}
        for example in found:
            where = f"{_shown(path)}:{example.line}"
            if example.kind == "console":
                example.printed = _run_console(example.source)
            else:
                example.printed = _run_python(example.source, namespace, where)
    return found


def _reshaped(expected: list[str], printed: list[str]) -> list[str]:
    """The printed lines in the shape the page showed: as many first and last lines around one `...` as before."""
    if ELLIPSIS not in expected:
        return printed
    head = expected.index(ELLIPSIS)
    tail = len(expected) - 1 - max(i for i, line in enumerate(expected) if line == ELLIPSIS)
    if head + tail >= len(printed):
        return printed
    return [*printed[:head], ELLIPSIS, *(printed[len(printed) - tail :] if tail else [])]


def _update(path: Path, found: list[Example]) -> None:
    """Write each example's printed lines in place of its expected output."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for example in sorted(found, key=lambda e: e.line, reverse=True):
        if matches(example.expected, example.printed):
            continue  # keeps an ellipsis that still holds
        if example.expected_span is None:
            if example.printed:
                print(f"{_shown(path)}:{example.line}: prints output but has no ```text block after it")
            continue
        first, last = example.expected_span
        lines[first:last] = _reshaped(example.expected, [line.rstrip() for line in example.printed])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Check every page's examples, or rewrite their expected output with --update."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--update", action="store_true", help="rewrite each expected output with what it prints")
    options.add_argument("pages", nargs="*", type=Path, help="only these pages (default: README.md and docs/*.md)")
    args = options.parse_args(argv)
    failed = 0
    for path in [p.resolve() for p in args.pages] or doc_files():
        found = run_page(path)
        if args.update:
            _update(path, found)
            continue
        for example in found:
            if not matches(example.expected, example.printed):
                failed += 1
                print(f"{_shown(path)}:{example.line}: the output differs from the page's")
    if failed:
        print(f"{failed} example(s) differ: `{COMMAND}` rewrites them (check the diff)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
