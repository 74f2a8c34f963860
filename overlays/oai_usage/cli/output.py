"""Internal: write rows as a table, CSV, JSON or JSONL, to stdout or to a file that appears only when complete."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from .. import mask_key_like
from ..timeparse import iso_datetime
from . import paths
from .table_fit import MIN_TEXT_WIDTH, fit_columns, natural_width

__all__ = [
    "CURRENCY",
    "FORMATS",
    "FORMULA_START",
    "MONEY",
    "NOT_SUMMED",
    "CsvWriter",
    "atomic_file",
    "csv_cell",
    "json_ready",
    "open_output",
    "plain",
    "redacted",
    "table_columns",
    "totals",
    "visible",
    "write_csv",
    "write_json",
    "write_jsonl",
    "write_rows",
    "write_table",
]

FORMATS = ("table", "csv", "json", "jsonl")


# C0 and C1 controls (ESC starts terminal escape sequences: OSC 52 clipboard writes, OSC 0 titles, OSC 8 links, CSI
# 2J; CR overwrites a line; a newline would make two lines of one), the line and paragraph separators, and the
# bidirectional marks and overrides that reorder what is shown ("Trojan source", RLO): shown as \x1b / \u202e.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """THE escaping of the CLI: every piece of server or user text it prints to a terminal, a Markdown file or an
    error line goes through here. The admin key is masked (in any encoding a server echoes it in) and control
    characters, line separators and bidi overrides are written as escapes (`\x1b`, `\u202e`), never sent.
    Anything shaped like an API key is masked too: text read back from a warehouse may hold a key a server echoed
    when no client (no live key) is running to recognise it. Idempotent: text already shown is shown the same."""
    return _CONTROL.sub(_shown, mask_key_like(text))


def redacted(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row whose strings never carry a secret (the admin key a server echoes in a name, or anything key-shaped,
    is masked)."""
    return {key: mask_key_like(value) if isinstance(value, str) else value for key, value in row.items()}


def plain(value: Any) -> Any:
    """A JSON-ready value: datetimes as ISO strings, exact decimals as numbers, a float that is not finite as null
    (JSON has no NaN or Infinity), everything else unchanged."""
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_ready(value: Any) -> Any:
    """`plain` applied through dicts and lists: what `json.dumps(..., allow_nan=False)` always accepts."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return plain(value)


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): =, +, -, @, and the tab and carriage
# return that some strip before looking. Such a text cell is written with a leading single quote unless --csv-raw.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any, *, raw: bool = False) -> str:
    """A value as CSV text; a text value that starts like a formula is neutralised with a leading `'` unless `raw`
    (numbers are never touched: -5 stays -5). Anything shaped like an API key is masked, even with `raw`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, str):
        text = mask_key_like(value)
        return text if raw or not text.startswith(FORMULA_START) else "'" + text
    return str(value)


class CsvWriter:
    """csv.writer for the CLI's CSV: `\n` line ends, and every cell holding `\r` or `\n` quoted (Python's writer
    quotes only the characters of its line terminator, so a lone `\r` in a name would split the row), so that
    every CSV parses back to the same rows; cells go through `csv_cell` (formulas neutralised unless `raw`)."""

    def __init__(self, out: IO[str], *, raw: bool = False) -> None:
        self._out = out
        self._direct = csv.writer(out, lineterminator="\n")
        self._buffer = io.StringIO()
        self._quoting = csv.writer(self._buffer, lineterminator="\r\n")  # quotes \r as well as \n
        self.raw = raw

    def writerow(self, values: Iterable[Any]) -> None:
        cells = [csv_cell(value, raw=self.raw) for value in values]
        if not any("\r" in cell for cell in cells):
            self._direct.writerow(cells)
            return
        self._buffer.seek(0)
        self._buffer.truncate()
        self._quoting.writerow(cells)
        self._out.write(self._buffer.getvalue()[:-2] + "\n")


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", option: str = "-o") -> Iterator[IO[Any]]:
    """A file written beside `path` and renamed into place only if the block succeeds: never half a file.

    The rule (regular files only, symlinks written through, no directory created) is `paths.atomic_write`.
    """
    with paths.atomic_write(path, option, mode) as fh:
        yield fh


@contextlib.contextmanager
def open_output(path: str | None, option: str = "-o") -> Iterator[IO[str]]:
    """stdout, or a file that appears only when complete (see `paths.atomic_write`).

    A failed write to stdout (a full disk) is an `OutputIOError`; a closed pipe stays a BrokenPipeError.
    """
    if path is None or path == "-":
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise paths.OutputIOError(exc.errno or errno.EIO, f"writing to stdout: {exc.strerror or exc}") from None
        return
    with atomic_file(path, option=option) as fh:
        yield fh


def write_csv(rows: Iterable[Mapping[str, Any]], out: IO[str], columns: Sequence[str], *, raw: bool = False) -> int:
    """CSV with a header: the known columns, then any extra keys the first row carries (see `CsvWriter`)."""
    writer = CsvWriter(out, raw=raw)
    header: list[str] | None = None
    count = 0
    for row in rows:
        if header is None:
            header = list(columns) + [k for k in row if k not in columns]
            writer.writerow(header)
        writer.writerow(row.get(name) for name in header)
        count += 1
    if header is None:
        writer.writerow(columns)
    return count


def _json_row(row: Mapping[str, Any]) -> str:
    return json.dumps(json_ready(dict(row)), allow_nan=False)


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(_json_row(row) + "\n")
        count += 1
    return count


def write_json(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """A JSON array, written row by row so a long export never sits whole in memory."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n  " if count else "\n  ")
        out.write(_json_row(row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


# Per-modality splits (input_text_tokens, output_audio_tokens, ...) make a table too wide to read; they stay in
# CSV/JSON. Cached input is kept: it is the split people ask about.
_SPLIT = re.compile(r"^(input|output)_\w+_tokens$")
_KEPT_SPLITS = frozenset({"input_cached_tokens"})


def _numeric(rows: Sequence[Mapping[str, Any]], name: str) -> bool:
    """True when the column holds numbers (booleans are not numbers here)."""
    return any(isinstance(r.get(name), int | float) and not isinstance(r.get(name), bool) for r in rows)


def table_columns(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], group_by: Sequence[str] | None = None
) -> tuple[list[str], int]:
    """The columns a table shows (bucket start, grouped dimensions in the order given, then counters) and
    how many it hides."""
    names = list(columns) + [k for r in rows[:1] for k in r if k not in columns]
    filled = [c for c in names if c != "bucket_end" and any(r.get(c) not in (None, "") for r in rows)]
    wide = [c for c in filled if _SPLIT.match(c) and c not in _KEPT_SPLITS]
    shown = [c for c in filled if c not in wide]

    ordered = [c for c in shown if c == "bucket_start"]
    ordered += [c for c in (group_by or ()) if c in shown and c not in ordered]
    ordered += [c for c in shown if c not in ordered and not _numeric(rows, c)]
    ordered += [c for c in shown if c not in ordered]
    return ordered, len(wide)


WIDE = 240
"""The width of a table written to a file or a pipe (no terminal to fit)."""
MONEY = frozenset({"amount_value", "amount"})  # shown with two decimals (amount: the limits listing, in dollars)
NOT_SUMMED = frozenset({"quantity"})  # units differ from row to row: a sum would mean nothing
CURRENCY = "amount_currency"


def totals(rows: Sequence[Mapping[str, Any]], shown: Sequence[str]) -> list[tuple[str, dict[str, float]]]:
    """Totals of the summable numeric columns: one (label, sums) per currency, never added across currencies."""
    summed = [c for c in shown if c != "bucket_start" and c not in NOT_SUMMED and _numeric(rows, c)]
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row.get(CURRENCY) or ""), []).append(row)
    result = []
    for currency, members in sorted(groups.items()):
        sums = {c: sum(_number(r.get(c)) for r in members) for c in summed}
        result.append((f"total ({currency.upper()})" if currency else "total", sums))
    return result


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def write_table(
    rows: Iterable[Mapping[str, Any]],
    out: IO[str],
    columns: Sequence[str],
    title: str,
    group_by: Sequence[str] | None = None,
    totals_row: bool = True,
    width: int | None = None,
    low_value: Sequence[str] = (),
) -> int:
    """A rich table for people: grouped columns in the order asked, money with two decimals, a totals row (not for
    listings: `totals_row=False`); empty columns and per-modality token splits left out (CSV and JSON have all).
    It fits `width` (default: the terminal's, or WIDE when not writing to one): the `low_value` columns are left out
    first (`fit_columns`), then text wraps; a number is never cut and no column is ever zero wide. No rows: nothing
    written."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    materialised = list(rows)
    if not materialised:
        return 0
    shown, hidden = table_columns(materialised, columns, group_by)
    sums = totals(materialised, shown) if totals_row else []
    texts = {name: [visible(_table_cell(row.get(name), money=name in MONEY)) for row in materialised] for name in shown}
    for label, values in sums:
        texts[shown[0]].append(label)
        for name in shown[1:]:
            if name in values:
                texts[name].append(visible(_table_cell(values[name], money=name in MONEY, whole=name not in MONEY)))
    width = width or (None if out.isatty() else WIDE)
    console = Console(file=out, width=width)

    numeric = {name: _numeric(materialised, name) for name in shown}
    headers = {name: visible("bucket (UTC)" if name == "bucket_start" else name) for name in shown}
    keep = [*(group_by or ()), *(shown[:1] if sums else ())]  # the totals' label is in the first column
    fitted, left_out = fit_columns(shown, headers, texts, numeric, console.width, keep, low_value)
    table = Table(title=escape(title), show_footer=False)
    for name in fitted:
        natural = natural_width(headers[name], texts[name])
        if numeric[name] or name == "bucket_start":  # a number or a time is never cut nor wrapped
            table.add_column(escape(headers[name]), justify="right" if numeric[name] else "left",
                             no_wrap=True, min_width=natural)  # fmt: skip
        else:  # text wraps (folds) rather than being cut to an ellipsis
            table.add_column(escape(headers[name]), justify="left", overflow="fold",
                             min_width=min(natural, MIN_TEXT_WIDTH), max_width=natural)  # fmt: skip
    last = len(materialised) - 1
    for index, row in enumerate(materialised):
        # Values come from the API (project and key names are free text): never read as rich markup.
        cells = [escape(visible(_table_cell(row.get(name), money=name in MONEY))) for name in fitted]
        table.add_row(*cells, end_section=index == last)  # a rule between the rows and the totals
    for label, values in sums:
        cells = [label] + [
            _table_cell(values[name], money=name in MONEY, whole=name not in MONEY) if name in values else ""
            for name in fitted[1:]
        ]
        table.add_row(*cells, style="bold")
    console.print(table)
    if hidden:
        console.print(f"{hidden} per-modality token columns are in --format csv/json", soft_wrap=True)
    if left_out:
        console.print(f"left out to fit {console.width} columns: {', '.join(left_out)} (a wider terminal, or "
                      "--format csv/json, has them)", highlight=False, markup=False)  # fmt: skip
    return len(materialised)


def _table_cell(value: Any, *, money: bool = False, whole: bool = False) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if money and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.2f}"
    if whole and isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if value else "0"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return csv_cell(value)


def write_rows(
    fmt: str,
    rows: Iterable[Mapping[str, Any]],
    out: IO[str],
    columns: Sequence[str],
    title: str,
    group_by: Sequence[str] | None = None,
    totals: bool = True,
    csv_raw: bool = False,
    low_value: Sequence[str] = (),
) -> int:
    """Dispatch on --format; returns how many rows were written (`low_value`: the table's columns to leave out first
    in a narrow terminal)."""
    if fmt == "csv":
        return write_csv(rows, out, columns, raw=csv_raw)
    if fmt == "json":
        return write_json(rows, out)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    return write_table(rows, out, columns, title, group_by, totals_row=totals, low_value=low_value)
