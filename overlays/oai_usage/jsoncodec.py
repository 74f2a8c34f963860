"""Internal: JSON at C speed when msgspec is installed, with exactly the standard library's results.

msgspec (the `fast` extra, part of `warehouse`) parses a page about three times faster than `json.loads` and
writes a warehouse column five to ten times faster than `json.dumps`: a sync spends most of its time there. It is
used only where it gives the same values the standard library gives: every text it refuses (a lone surrogate,
UTF-16, a byte-order mark, `NaN`, a number too large for a float, nesting too deep) is parsed again by `json`, so
what is accepted, what is refused and the error raised do not depend on whether it is installed. Columns are
written by msgspec only when they hold no floats (it writes a float that is not finite as `null`, `json` as `NaN`);
a string that is not valid UTF-8 (a lone surrogate) is written by `json`.
Without msgspec everything here is the standard library.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["ACCELERATED", "dumps_column", "loads"]

_decode: Callable[[bytes], Any] | None
_encode: Callable[[Any], bytes] | None
try:
    import msgspec
except ImportError:  # the core installs without it: the standard library does everything
    _decode = _encode = None
    _REFUSED: tuple[type[Exception], ...] = ()
else:
    _decode = msgspec.json.Decoder().decode
    _encode = msgspec.json.Encoder().encode
    _REFUSED = (msgspec.MsgspecError, UnicodeError, RecursionError, OverflowError)

ACCELERATED = _decode is not None
"""Whether msgspec is installed and used."""


def loads(content: bytes, fallback: Callable[[bytes], Any]) -> Any:
    """The document, read by msgspec when installed; any text it refuses goes to `fallback` (the strict `json`
    parse), which reads it or raises.

    msgspec refuses everything `json` with the strict hooks refuses (NaN/Infinity literals and overflowing numbers
    included), and reads what it accepts to the same values (integers of any size, floats correctly rounded,
    the last of duplicate keys, keys in order)."""
    if _decode is not None:
        try:
            return _decode(content)
        except _REFUSED:
            pass
    return fallback(content)


def dumps_column(values: list[Any], *, floats: bool) -> str:
    """One column as a JSON array for DuckDB's `from_json`: the array `json.dumps` gives, once parsed. `floats`:
    the column may hold floats (a DOUBLE column), which `json` writes."""
    if _encode is not None and not floats:
        try:
            return _encode(values).decode()
        except _REFUSED:
            pass  # a string that is not valid UTF-8 (a lone surrogate): json escapes it
    return json.dumps(values)
