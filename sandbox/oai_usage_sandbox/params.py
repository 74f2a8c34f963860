"""Query-string parsing and validation: arrays in three spellings, per-endpoint enums, per-width limits -> 400s."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .endpoints import Endpoint, Scalar, limits_for
from .errors import bad_param

INTEGER = re.compile(r"-?[0-9]{1,18}")
"""An integer parameter as the API reads it: a sign, then at most 18 digits (no overflow anywhere)."""
MAX_TIME = 1 << 40  # far beyond any real timestamp, small enough for exact arithmetic everywhere


@dataclass(frozen=True)
class Query:
    """A validated request: time range, bucket width, page size, grouping, filters and the cursor if any."""

    start: int
    end: int | None
    width: str
    limit: int
    group_by: tuple[str, ...]
    filters: dict[str, frozenset[Scalar]]
    page: str | None

    def identity(self, endpoint: Endpoint) -> list[object]:
        """What a cursor is bound to: everything but `page` and `limit`."""
        filters = sorted((k, sorted(str(v) for v in vals)) for k, vals in self.filters.items())
        return [endpoint.name, self.start, self.end, self.width, sorted(self.group_by), filters]


def collect(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Group query items by name, `k[]` counting as `k` (arrays as `k=a&k=b` or `k[]=a&k[]=b`)."""
    out: dict[str, list[str]] = {}
    for raw_key, value in items:
        key = raw_key[:-2] if raw_key.endswith("[]") else raw_key
        out.setdefault(key, []).append(value)
    return out


def _array(values: list[str], split: bool = True) -> list[str]:
    """The items of an array parameter; `k=a,b` is split on commas unless the parameter's values may hold commas."""
    return [part for v in values for part in v.split(",")] if split else list(values)


def _scalar(values: list[str]) -> str:
    return values[-1]


def _int(name: str, values: list[str]) -> int:
    text = _scalar(values).strip()
    if not INTEGER.fullmatch(text):
        raise bad_param(name, f"Invalid value for '{name}': expected an integer, got {text!r}.")
    return int(text)


def _time(name: str, values: list[str]) -> int:
    value = _int(name, values)
    if not 0 <= value < MAX_TIME:
        raise bad_param(name, f"Invalid value for '{name}': must be a Unix timestamp in seconds, got {value}.")
    return value


def parse(endpoint: Endpoint, items: Sequence[tuple[str, str]]) -> Query:
    """Validate the query of a request to `endpoint`; raises ApiError(400) naming the faulty parameter."""
    q = collect(items)
    if "start_time" not in q:
        raise bad_param("start_time", "Missing required parameter: 'start_time'.")
    start = _time("start_time", q["start_time"])
    end = _time("end_time", q["end_time"]) if "end_time" in q else None
    if end is not None and end <= start:
        raise bad_param("end_time", "Invalid value for 'end_time': must be after 'start_time'.")
    width = _scalar(q["bucket_width"]) if "bucket_width" in q else "1d"
    if width not in endpoint.widths:
        allowed = ", ".join(endpoint.widths)
        raise bad_param("bucket_width", f"Invalid value for 'bucket_width': {width!r}; expected one of {allowed}.")
    default, maximum = limits_for(endpoint)[width]
    limit = _int("limit", q["limit"]) if "limit" in q else default
    if not 1 <= limit <= maximum:
        raise bad_param(
            "limit", f"Invalid value for 'limit': must be between 1 and {maximum} when bucket_width is {width}."
        )
    filters: dict[str, frozenset[Scalar]] = {}
    for f in endpoint.filters:
        if f.param not in q:
            continue
        if f.kind == "bool":
            text = _scalar(q[f.param]).lower()
            if text not in ("true", "false"):
                raise bad_param(f.param, f"Invalid value for '{f.param}': expected true or false, got {text!r}.")
            filters[f.dim] = frozenset([text == "true"])
            continue
        values = _array(q[f.param], f.split)
        if f.allowed is None:
            if not all(values):  # `project_ids=` names no ID: an error, as the client also says
                raise bad_param(f.param, f"Invalid value for '{f.param}': IDs must not be empty.")
        else:
            for v in values:
                if v not in f.allowed:
                    raise bad_param(
                        f.param, f"Invalid value for '{f.param}': {v!r}; expected any of {list(f.allowed)}."
                    )
        if values:
            filters[f.dim] = frozenset(values)
    # Checked after the filters: errors name the first bad parameter in the spec's order, as the client does.
    group_by = tuple(dict.fromkeys(_array(q.get("group_by", []))))
    for g in group_by:
        if g not in endpoint.dims:
            raise bad_param("group_by", f"Invalid value for 'group_by': {g!r}; expected any of {list(endpoint.dims)}.")
    page = _scalar(q["page"]) if "page" in q else None
    return Query(start=start, end=end, width=width, limit=limit, group_by=group_by, filters=filters, page=page)
