"""Lazy query objects: nothing is sent until you iterate, and each iteration runs the query afresh.

    q = client.completions(start_time="2026-11-01", bucket_width="1h")   # checked now, not sent
    for bucket in q: ...          # every bucket of the range, all pages, in time order
    for page in q.pages(): ...    # the decoded pages
    for row in q.rows(): ...      # one flat dict per (bucket, result)
    q.to_dataframe()              # needs pandas

`AsyncQuery` is the same with `async for` (and `await q.to_dataframe()`).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Generic, TypeVar

from .errors import MissingDependencyError
from .page import Page, UnknownResult
from .pagination import aiter_pages, iter_pages
from .rows import bucket_rows, columns, rows_of
from .transport import AsyncTransport, SyncTransport
from .validation import ValidQuery

B = TypeVar("B")


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise MissingDependencyError(
            "to_dataframe() needs pandas, an optional extra: pip install 'oai-usage[pandas]' (or pip install pandas)"
        ) from exc


def _frame(pandas: Any, rows: Iterable[dict[str, Any]], declared: tuple[str, ...]) -> Any:
    records = list(rows)
    names = dict.fromkeys(declared)
    for row in records:
        names.update(dict.fromkeys(row))
    return pandas.DataFrame.from_records(records, columns=list(names))


class _QueryBase(Generic[B]):
    def __init__(self, query: ValidQuery[B], *, max_pages: int | None) -> None:
        self._query = query
        self._max_pages = max_pages
        self.unknown_results: list[UnknownResult] = []
        """Results of kinds the endpoint does not hold, from the latest run (filled as pages arrive)."""

    @property
    def endpoint(self) -> str:
        return self._query.endpoint.name

    @property
    def params(self) -> dict[str, Any]:
        """The API parameters sent on the first page (times as Unix seconds, the effective limit included)."""
        return dict(self._query.params)

    @property
    def columns(self) -> tuple[str, ...]:
        """The declared row columns, in order."""
        return columns(self._query.endpoint)

    def _seen(self, page: Page[B]) -> Page[B]:
        if page.number == 1:
            self.unknown_results = []
        self.unknown_results.extend(page.unknown_results)
        return page

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.endpoint!r}, params={self.params!r})"


class Query(_QueryBase[B]):
    """A lazy, re-iterable query over every page of one endpoint and range (synchronous)."""

    def __init__(self, query: ValidQuery[B], transport: SyncTransport, *, max_pages: int | None = None) -> None:
        super().__init__(query, max_pages=max_pages)
        self._transport = transport

    def pages(self) -> Iterator[Page[B]]:
        for page in iter_pages(self._transport.send, self._query, max_pages=self._max_pages):
            yield self._seen(page)

    def __iter__(self) -> Iterator[B]:
        for page in self.pages():
            yield from page.data

    def rows(self) -> Iterator[dict[str, Any]]:
        return rows_of(self)

    def to_dataframe(self) -> Any:
        """All rows as a pandas DataFrame (declared columns even when there are no rows)."""
        pandas = _pandas()  # before any request: a missing extra should not cost a download
        return _frame(pandas, self.rows(), self.columns)


class AsyncQuery(_QueryBase[B]):
    """A lazy, re-iterable query over every page of one endpoint and range (asynchronous)."""

    def __init__(self, query: ValidQuery[B], transport: AsyncTransport, *, max_pages: int | None = None) -> None:
        super().__init__(query, max_pages=max_pages)
        self._transport = transport

    async def pages(self) -> AsyncIterator[Page[B]]:
        async for page in aiter_pages(self._transport.send, self._query, max_pages=self._max_pages):
            yield self._seen(page)

    async def _buckets(self) -> AsyncIterator[B]:
        async for page in self.pages():
            for bucket in page.data:
                yield bucket

    def __aiter__(self) -> AsyncIterator[B]:
        return self._buckets()

    async def rows(self) -> AsyncIterator[dict[str, Any]]:
        async for bucket in self._buckets():
            for row in bucket_rows(bucket):
                yield row

    async def to_dataframe(self) -> Any:
        """All rows as a pandas DataFrame (declared columns even when there are no rows)."""
        pandas = _pandas()
        return _frame(pandas, [row async for row in self.rows()], self.columns)
