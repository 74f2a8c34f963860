"""Internal: which columns a table shows in a terminal of a given width (`fit_columns`): the low-value ones are left
out first, then text wraps; a number or a time is never cut, and no column is ever zero wide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["MIN_TEXT_WIDTH", "fit_columns", "natural_width"]

MIN_TEXT_WIDTH = 8
"""The narrowest a text column wraps to (a shorter text keeps its own width)."""
_BORDER = 3  # each column's padding (one space each side) and its rule; the table adds one rule more


def natural_width(header: str, cells: Sequence[str]) -> int:
    """The cells a column needs to show its header and every text whole (texts as shown: through `visible`)."""
    from rich.cells import cell_len

    return max([cell_len(header), *(cell_len(c) for c in cells)]) or 1


def _least_width(name: str, natural: int, numeric: bool) -> int:
    return natural if numeric or name == "bucket_start" else min(natural, MIN_TEXT_WIDTH)


def fit_columns(
    shown: Sequence[str],
    headers: Mapping[str, str],
    texts: Mapping[str, Sequence[str]],
    numeric: Mapping[str, bool],
    width: int,
    keep: Sequence[str] = (),
    low_value: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """The columns a table of `width` cells shows, and those it leaves out: when the columns at their natural widths
    do not fit, the `low_value` columns go first (in that order), then, while even wrapped text does not fit, the
    other columns from the right, text before numbers and times; the columns to `keep` (grouped ones, the totals'
    label) stay, and so does one column at least."""
    natural = {name: natural_width(headers[name], texts[name]) for name in shown}
    fitted = list(shown)
    dropped: list[str] = []

    def total(least: bool) -> int:
        widths = [_least_width(n, natural[n], numeric[n]) if least else natural[n] for n in fitted]
        return sum(widths) + _BORDER * len(fitted) + 1

    def low() -> list[str]:
        return [n for n in low_value if n in fitted and n not in keep]

    def droppable() -> list[str]:
        texts_first = sorted(reversed(fitted), key=lambda n: numeric[n] or n == "bucket_start")  # stable: right first
        return (low() or [n for n in texts_first if n not in keep])[: len(fitted) - 1]

    while total(least=False) > width and (candidates := low()):
        fitted.remove(candidates[0])
        dropped.append(candidates[0])
    while total(least=True) > width and (candidates := droppable()):
        fitted.remove(candidates[0])
        dropped.append(candidates[0])
    return fitted, dropped
