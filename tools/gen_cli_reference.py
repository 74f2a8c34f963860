"""Generate docs/cli.md, the command-line reference, from the parser the command line itself uses.

    python tools/gen_cli_reference.py          # rewrite docs/cli.md
    python tools/gen_cli_reference.py --check  # fail when docs/cli.md is not what the parser gives

It reads only `oai_usage.cli.main.build_parser()` and the argparse objects it returns (actions, sub-parsers,
choices, defaults, help), never the terminal width, so the output is the same on every machine. Options that the
top-level parser declares (the global options, accepted before or after a command) are listed once, not under
every command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"
COMMAND = "python tools/gen_cli_reference.py"

__all__ = ["COMMAND", "TARGET", "main", "render"]

for folder in ("generated", "overlays", "sandbox"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """The action's help with `%(default)s` and the like expanded, as `--help` prints it, on one line."""
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    text = action.help
    if "%" in text:
        params = {k: v for k, v in vars(action).items() if v is not argparse.SUPPRESS}
        params["prog"] = parser.prog
        if params.get("choices") is not None:
            params["choices"] = ", ".join(str(c) for c in params["choices"])
        text = text % params
    return " ".join(text.split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _value(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices is not None:
        return "`" + "`, `".join(str(c) for c in action.choices) + "`"
    return f"`{action.metavar or action.dest.upper()}`"


def _default(action: argparse.Action) -> str:
    default = action.default
    if action.nargs == 0 or default is None or default is argparse.SUPPRESS or default is False:
        return ""
    if isinstance(default, list | tuple):
        return f"`{','.join(str(d) for d in default)}`" if default else ""
    return f"`{default}`"


def _options_table(
    parser: argparse.ArgumentParser, skip: frozenset[str] = frozenset(), *, positionals: bool = True
) -> list[str]:
    rows: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.default is argparse.SUPPRESS and action.option_strings and set(action.option_strings) <= skip:
            continue  # a global option declared again on the command (so it may come after it): listed once
        if not action.option_strings and not positionals:
            continue
        name = ", ".join(f"`{o}`" for o in action.option_strings) or f"`{action.metavar or action.dest}`"
        rows.append(f"| {name} | {_value(action)} | {_default(action)} | {_cell(_help(parser, action))} |")
    if not rows:
        return []
    return ["| option | value | default | what it does |", "| --- | --- | --- | --- |", *rows, ""]


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str, argparse.ArgumentParser]]:
    """Every (sub)command below `parser`, depth first, with its one-line help."""
    subs = _subparsers(parser)
    if subs is None:
        return
    helps = {choice.dest: choice.help or "" for choice in subs._choices_actions}
    for name, sub in subs.choices.items():
        yield (*path, name), helps.get(name, ""), sub
        yield from _commands(sub, (*path, name))


def _anchor(words: tuple[str, ...]) -> str:
    return "-".join(("oai-usage", *words)).lower()


def render(parser: argparse.ArgumentParser) -> str:
    """docs/cli.md for this parser."""
    globals_ = frozenset(o for a in parser._actions for o in a.option_strings)
    lines = [
        "# Command-line reference",
        "",
        f"<!-- Generated from the parser (oai_usage.cli.main.build_parser) by `{COMMAND}`: do not edit by hand. -->",
        "",
        "This page is generated from the command line's own parser, so it lists every command and option that",
        f"`oai-usage` accepts today; `tests/docs/test_cli_reference.py` fails when it is stale (`{COMMAND}`",
        "rewrites it). How the commands behave, with examples, is in [the command-line guide](cli-guide.md).",
        "",
        f"`{parser.prog} [GLOBAL OPTIONS] COMMAND [OPTIONS]`: {parser.description or ''}",
        "",
        "## Global options",
        "",
        "Accepted before or after the command.",
        "",
        *_options_table(parser),
        "## Commands",
        "",
        "| command | what it does |",
        "| --- | --- |",
    ]
    commands = list(_commands(parser, ()))
    for path, text, _ in commands:
        lines.append(f"| [`{' '.join(path)}`](#{_anchor(path)}) | {_cell(' '.join(text.split()))} |")
    lines.append("")
    for path, text, sub in commands:
        depth = "###" if len(path) > 1 else "##"
        lines += [f"{depth} oai-usage {' '.join(path)}", ""]
        if text:
            lines += [" ".join(text.split()) + ".", ""] if not text.endswith(".") else [text, ""]
        nested = _subparsers(sub)
        if nested is not None:
            names = ", ".join(f"[`{n}`](#{_anchor((*path, n))})" for n in nested.choices)
            lines += [f"`{nested.metavar or nested.dest}` is one of {names}.", ""]
        lines += _options_table(sub, globals_)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/cli.md, or with --check say whether it is current (exit 1 when stale)."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--check", action="store_true", help="fail when docs/cli.md is not what the parser gives")
    args = options.parse_args(argv)
    from oai_usage.cli.main import build_parser

    text = render(build_parser())
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
