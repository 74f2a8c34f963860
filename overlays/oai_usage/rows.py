"""Internal: the row layout (columns) of each endpoint: one plain dict per (bucket, result).

A row has `bucket_start` and `bucket_end` (aware UTC datetimes), then every declared result field under its
API name, absent ones as None, then any undeclared fields the server sent. Nested objects are flattened with
an underscore: costs `amount` becomes `amount_value` (a float) and `amount_currency`. The constant `object`
field is left out; results of unknown kinds are not rows (see `Query.unknown_results`). The rows themselves
are built by `readers` (straight from the JSON); users get the columns from `Query.columns` or
`oai_usage.endpoint_info(name).columns`. Not part of the public API.
"""

from __future__ import annotations

from typing import Any

from .endpoints import Endpoint
from .schema import fields_of

__all__ = ["BUCKET_COLUMNS", "columns", "columns_of"]

BUCKET_COLUMNS = ("bucket_start", "bucket_end")

_COLUMNS: dict[tuple[type[Any], str], tuple[str, ...]] = {}


def columns_of(model: type[Any], prefix: str = "") -> tuple[str, ...]:
    """The row columns one generated model fills (nested models flattened with `_`), each prefixed."""
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
            columns.extend(columns_of(spec.model, f"{prefix}{spec.key}_"))
        else:
            columns.append(prefix + spec.key)
    return tuple(columns)


def columns(endpoint: Endpoint[Any]) -> tuple[str, ...]:
    """The declared columns of the endpoint's rows, in order (undeclared fields, when sent, come after these)."""
    return BUCKET_COLUMNS + columns_of(endpoint.result)
