"""What a query yields besides buckets: decoded pages, and results of kinds this version does not know.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

__all__ = ["ListPage", "Page", "RowBucket", "UnknownResult"]

B = TypeVar("B")


@dataclass(frozen=True)
class UnknownResult:
    """A result whose `object` is not the endpoint's own kind (a newer API, or a different endpoint's rows).

    It is kept, not dropped and not fatal: `data` is the result exactly as received. Rows and DataFrames leave
    it out; it is reported once per kind in a warning on the "oai_usage" logger.
    """

    kind: str  # the result's `object` value
    bucket_start: int
    bucket_end: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Page(Generic[B]):
    """One decoded page of an endpoint: its buckets as generated models, plus what came with them."""

    data: list[B] = field(repr=False)  # kept out of the repr: a page can hold megabytes
    has_more: bool
    next_page: str | None
    number: int  # 1 for the first page of a query
    request_id: str | None = None
    unknown_results: list[UnknownResult] = field(default_factory=list, repr=False)
    additional_properties: dict[str, Any] = field(
        default_factory=dict, repr=False
    )  # page fields the spec does not declare


class RowBucket(NamedTuple):
    """A bucket read straight into rows (the rows path): its bounds and its rows, no model objects."""

    start_time: int
    end_time: int
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class ListPage:
    """One page of an Admin list (projects, users, keys, ...): its items as JSON objects, and the chaining."""

    data: list[dict[str, Any]] = field(repr=False)
    has_more: bool
    last_id: str | None  # the cursor of the next page (`after=last_id`)
    number: int  # 1 for the first page of a query
    request_id: str | None = None
