"""Resuming a fetch that failed part way: where it stopped, as a small serialisable value.

A query's pages are delivered in time order, so everything before the end of the last delivered bucket is
done. When a fetch raises (retries exhausted, a broken page chain...), the error's `resume` is a
`ResumePoint` saying where the remaining range starts and how much was delivered; `query.resume(point)` is
the query for exactly the rest: no bucket twice, none missing. Cursors are not kept: they are the server's
and may not outlive the failure; a bucket boundary is ours and always valid.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import OaiUsageError, ValidationError
from .page import Page
from .timeparse import iso
from .validation import ValidQuery

B = TypeVar("B")


@dataclass(frozen=True)
class ResumePoint:
    """Where a failed fetch stopped. `to_dict()`/`from_dict()` round-trip it through JSON."""

    endpoint: str
    query_id: str  # which query it belongs to (endpoint and parameters)
    start_time: int  # the start of the first bucket not delivered (Unix seconds)
    buckets_delivered: int  # buckets delivered before the failure, over every run of the query so far
    pages_delivered: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResumePoint:
        try:
            point = cls(**{field.name: data[field.name] for field in dataclasses.fields(cls)})
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"not a resume point: {exc}", param="resume") from None
        ints = (point.start_time, point.buckets_delivered, point.pages_delivered)
        if not all(type(value) is int for value in ints) or not isinstance(point.query_id, str):
            raise ValidationError(f"not a resume point: {dict(data)!r}", param="resume")
        return point


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
    params = dict(origin.params)
    params["start_time"] = point.start_time
    return dataclasses.replace(origin, params=params, start_time=point.start_time)
