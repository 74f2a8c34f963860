"""Internal: `--keep-empty` for exports: a bucket with no results becomes one row with empty dimensions and zeros.

Without it an empty bucket gives no row (CSV: no line), the API's own shape; with it every bucket of the range
has at least one row, so a daily or hourly series has no holes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..timeparse import from_unix_seconds

__all__ = ["TEXT_COLUMNS", "empty_row", "rows_keeping_empty"]

TEXT_COLUMNS = frozenset({"amount_currency", "quantity_unit"})  # not counts: empty, not 0, in an empty bucket


def empty_row(start: int, end: int, columns: Sequence[str], dimensions: Sequence[str]) -> dict[str, Any]:
    """The row standing for an empty bucket: its bounds, None for dimensions and text, 0 for every count."""
    row: dict[str, Any] = {"bucket_start": from_unix_seconds(start), "bucket_end": from_unix_seconds(end)}
    for name in columns:
        if name not in row:
            row[name] = None if name in dimensions or name in TEXT_COLUMNS else 0
    return row


def rows_keeping_empty(client: Any, endpoint: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The rows of every bucket, with `empty_row` for a bucket that has none (no progress bar)."""
    from .. import endpoint_info

    query = client.query(endpoint, **params)
    info = endpoint_info(endpoint)
    names, dimensions = info.columns, info.group_by
    return _rows(query, names, dimensions)


def _rows(query: Any, names: Sequence[str], dimensions: Sequence[str]) -> Iterator[dict[str, Any]]:
    for page in query.row_pages():
        for bucket in page.data:
            if bucket.rows:
                yield from bucket.rows
            else:
                yield empty_row(bucket.start_time, bucket.end_time, names, dimensions)
