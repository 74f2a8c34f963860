"""Flatten buckets into rows: one plain dict per (bucket, result), ready for CSV, JSON or a DataFrame.

A row has `bucket_start` and `bucket_end` (aware UTC datetimes), then every declared result field under its
API name, absent ones as None, then any undeclared fields the server sent. Nested objects are flattened with
an underscore: costs `amount` becomes `amount_value` (a float) and `amount_currency`. The constant `object`
field is left out; results of unknown kinds are not rows (see `Query.unknown_results`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from oai_usage_api.types import Unset

from .endpoints import Endpoint
from .schema import fields_of
from .timeparse import from_unix_seconds

BUCKET_COLUMNS = ("bucket_start", "bucket_end")


def _flatten(model: object, prefix: str, row: dict[str, Any]) -> None:
    for spec in fields_of(type(model)):
        if spec.kind == "const":
            continue
        value = getattr(model, spec.attr)
        if spec.kind == "model":
            if isinstance(value, Unset) or value is None:
                assert spec.model is not None
                row.update(dict.fromkeys(_columns_of(spec.model, f"{prefix}{spec.key}_")))
            else:
                _flatten(value, f"{prefix}{spec.key}_", row)
            continue
        row[prefix + spec.key] = None if isinstance(value, Unset) else value
    extras: dict[str, Any] = getattr(model, "additional_properties", {})
    for key, value in extras.items():
        row.setdefault(prefix + key, value)


_COLUMNS: dict[tuple[type[Any], str], tuple[str, ...]] = {}


def _columns_of(model: type[Any], prefix: str = "") -> tuple[str, ...]:
    cached = _COLUMNS.get((model, prefix))
    if cached is None:
        cached = _COLUMNS[(model, prefix)] = _read_columns(model, prefix)
    return cached


def _read_columns(model: type[Any], prefix: str) -> tuple[str, ...]:
    columns: list[str] = []
    for spec in fields_of(model):
        if spec.kind == "const":
            continue
        if spec.kind == "model" and spec.model is not None:
            columns.extend(_columns_of(spec.model, f"{prefix}{spec.key}_"))
        else:
            columns.append(prefix + spec.key)
    return tuple(columns)


def columns(endpoint: Endpoint[Any]) -> tuple[str, ...]:
    """The declared columns of the endpoint's rows, in order (undeclared fields, when sent, come after these)."""
    return BUCKET_COLUMNS + _columns_of(endpoint.result)


def bucket_rows(bucket: Any) -> Iterator[dict[str, Any]]:
    """The rows of one generated bucket model."""
    start, end = from_unix_seconds(bucket.start_time), from_unix_seconds(bucket.end_time)
    for result in bucket.results:
        row: dict[str, Any] = {"bucket_start": start, "bucket_end": end}
        _flatten(result, "", row)
        yield row


def rows_of(buckets: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """The rows of many buckets, in order."""
    for bucket in buckets:
        yield from bucket_rows(bucket)
