"""Cut a query's range into windows that each fit one page, aligned to bucket boundaries.

A page holds at most `limit` buckets, so a window spans `limit` buckets. The first window starts where the
caller's range starts (an unaligned start gives the API's partial first bucket, exactly as one long fetch
would); every later window starts on a bucket boundary, so each bucket is the same bucket whichever way the
range is fetched. The last window ends where the range ends; an open range (no `end_time`) ends its last
window open too, so the server decides what "now" is, as it would for a single fetch.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, TypeVar

from .endpoints import WIDTH_SECONDS
from .validation import ValidQuery

__all__ = ["Window", "plan_windows", "window_query", "window_span"]

B = TypeVar("B")


@dataclass(frozen=True)
class Window:
    """One slice of a range: `[start, end)` in Unix seconds; `end` None means open (up to now)."""

    index: int
    start: int
    end: int | None


def window_span(query: ValidQuery[Any]) -> int:
    """Seconds one page covers: the query's limit (the largest by default) times the bucket width."""
    return query.limit * WIDTH_SECONDS[query.bucket_width]


def plan_windows(query: ValidQuery[Any], now: float) -> list[Window]:
    """The windows of `query`'s range, in time order; a single window when the range fits one page."""
    width = WIDTH_SECONDS[query.bucket_width]
    span = window_span(query)
    stop = query.end_time if query.end_time is not None else math.ceil(now)
    cuts: list[int] = [query.start_time]
    cut = query.start_time - query.start_time % width + span
    while cut < stop:
        cuts.append(cut)
        cut += span
    ends: list[int | None] = [*cuts[1:], query.end_time]
    return [Window(index, start, end) for index, (start, end) in enumerate(zip(cuts, ends, strict=True))]


def window_query(query: ValidQuery[B], window: Window) -> ValidQuery[B]:
    """`query` restricted to `window` (same filters, grouping, width and limit)."""
    return dataclasses.replace(query, start_time=window.start, end_time=window.end)
