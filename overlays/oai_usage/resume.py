"""Resuming a fetch that failed part way: where it stopped, as a small serialisable value.

A query's pages are delivered in time order, so everything before the end of the last delivered bucket is
done. When a fetch raises (retries exhausted, a broken page chain...), the error's `resume` is a
`ResumePoint` saying where the remaining range starts and how much was delivered; `query.resume(point)` is
the query for exactly the rest: no bucket twice, none missing. Cursors are not kept: they are the server's
and may not outlive the failure; a bucket boundary is ours and always valid.

`ResumePoint` itself is defined in `errors` (the errors carry it) and re-exported here. Internal module: import
`ResumePoint` from `oai_usage`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from .errors import OaiUsageError, ResumePoint, ValidationError
from .page import Page
from .timeparse import iso
from .validation import ValidQuery

__all__ = ["Progress", "ResumePoint", "query_id", "remaining"]

B = TypeVar("B")


def query_id(query: ValidQuery[Any]) -> str:
    """A short digest of the endpoint and every parameter of the original query."""
    text = json.dumps({"endpoint": query.endpoint.name, "params": dict(query.params)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Progress:
    """What one run of a query has delivered so far, counted on top of earlier runs it resumes."""

    def __init__(self, origin: ValidQuery[Any], start_time: int, *, buckets: int = 0, pages: int = 0) -> None:
        self.origin = origin
        self.start_time = start_time
        self.buckets = buckets
        self.pages = pages

    def delivered(self, page: Page[Any]) -> None:
        self.pages += 1
        if page.data:
            self.buckets += len(page.data)
            self.start_time = page.data[-1].end_time

    def point(self) -> ResumePoint:
        return ResumePoint(
            endpoint=self.origin.endpoint.name,
            query_id=query_id(self.origin),
            start_time=self.start_time,
            buckets_delivered=self.buckets,
            pages_delivered=self.pages,
        )

    def mark(self, error: OaiUsageError) -> None:
        """Attach where to resume to an error raised while fetching."""
        error.resume = self.point()


def remaining(origin: ValidQuery[B], point: ResumePoint | Mapping[str, Any]) -> ValidQuery[B]:
    """`origin` restricted to what `point` says is still to fetch; ValidationError if it is another query's."""
    if not isinstance(point, ResumePoint):
        point = ResumePoint.from_dict(point)
    if point.endpoint != origin.endpoint.name or point.query_id != query_id(origin):
        raise ValidationError(
            f"this resume point belongs to another query ({point.endpoint}, id {point.query_id})",
            param="resume",
            endpoint=origin.endpoint.name,
        )
    end = origin.end_time
    if point.start_time < origin.start_time or (end is not None and point.start_time > end):
        raise ValidationError(
            f"resume point {iso(point.start_time)} is outside the query's range",
            param="resume",
            endpoint=origin.endpoint.name,
        )
    return dataclasses.replace(origin, start_time=point.start_time)
