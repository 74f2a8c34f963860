"""Lazy query objects: nothing is sent until you iterate, and each iteration runs the query afresh.

    q = client.completions(start_time="2026-11-01", bucket_width="1h")   # checked now, not sent
    for bucket in q: ...          # every bucket of the range, all pages, in time order
    for page in q.pages(): ...    # the decoded pages (q.row_pages(): the same, buckets as rows)
    for row in q.rows(): ...      # one flat dict per (bucket, result)
    q.to_dataframe()              # needs pandas
    q.with_concurrency(1)         # the same query, one page after the other
    q.resume(error.resume)        # what a failed run left, after `except OaiUsageError as error`

A long range is fetched in windows side by side (see `fetch`), delivered in time order.

`AsyncQuery` is the same with `async for` (and `await q.to_dataframe()`).

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from .decode import decode_page, decode_rows_page
from .errors import OaiUsageError, ValidationError, import_extra
from .fetch import afetch_pages, fetch_pages
from .page import Page, RowBucket, UnknownResult
from .pagination import PageDecoder
from .resume import Progress, ResumePoint, remaining
from .rows import columns
from .transport import AsyncTransport, SyncTransport
from .validation import ValidQuery
from .windows import plan_windows

__all__ = ["AsyncQuery", "Query", "check_concurrency"]

B = TypeVar("B")


def _pandas() -> Any:
    return import_extra("pandas", extra="pandas", what="to_dataframe()")


def _frame(pandas: Any, rows: Iterable[dict[str, Any]], declared: tuple[str, ...]) -> Any:
    records = list(rows)
    names = dict.fromkeys(declared)
    for row in records:
        names.update(dict.fromkeys(row))
    return pandas.DataFrame.from_records(records, columns=list(names))


class _QueryBase(Generic[B]):
    def __init__(
        self,
        query: ValidQuery[B],
        *,
        max_pages: int | None,
        max_concurrency: int,
        origin: ValidQuery[B] | None = None,
        before: ResumePoint | None = None,
    ) -> None:
        self._query = query
        self._max_pages = max_pages
        self._max_concurrency = max_concurrency
        self._origin = origin if origin is not None else query  # the query as first asked, before any resume
        self._before = before
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

    @property
    def planned_pages(self) -> int:
        """Pages a full run takes at the query's limit (one per window of the range), e.g. for a progress bar."""
        return len(plan_windows(self._query, self._now()))

    def _now(self) -> float:
        raise NotImplementedError

    @property
    def max_concurrency(self) -> int:
        """How many windows of the range are fetched at once (1: one page after the other)."""
        return self._max_concurrency

    def _progress(self) -> Progress:
        self.unknown_results = []
        before = self._before
        return Progress(
            self._origin,
            self._query.start_time,
            buckets=before.buckets_delivered if before else 0,
            pages=before.pages_delivered if before else 0,
        )

    def _arguments(self, point: ResumePoint | Mapping[str, Any] | None, concurrency: int | None) -> dict[str, Any]:
        """Constructor arguments for a copy of this query: resumed at `point`, with another concurrency."""
        arguments: dict[str, Any] = {
            "query": self._query,
            "max_pages": self._max_pages,
            "max_concurrency": self._max_concurrency if concurrency is None else check_concurrency(concurrency),
            "origin": self._origin,
            "before": self._before,
        }
        if point is not None:
            resume_point = point if isinstance(point, ResumePoint) else ResumePoint.from_dict(point)
            arguments["query"] = remaining(self._origin, resume_point)
            arguments["before"] = resume_point
        return arguments

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.endpoint!r}, params={self.params!r})"


def check_concurrency(value: object) -> int:
    """`value` if it is an int >= 1; ValidationError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"max_concurrency must be an int >= 1, got {value!r}", param="max_concurrency")
    return value


class Query(_QueryBase[B]):
    """A lazy, re-iterable query over every page of one endpoint and range (synchronous)."""

    def __init__(
        self,
        query: ValidQuery[B],
        transport: SyncTransport,
        *,
        max_pages: int | None = None,
        max_concurrency: int = 1,
        origin: ValidQuery[B] | None = None,
        before: ResumePoint | None = None,
    ) -> None:
        super().__init__(query, max_pages=max_pages, max_concurrency=max_concurrency, origin=origin, before=before)
        self._transport = transport

    def _now(self) -> float:
        return self._transport.server_clock.now()

    def _run(self, decode: PageDecoder) -> Generator[Page[Any], None, None]:
        progress = self._progress()
        pages = fetch_pages(
            self._transport, self._query, concurrency=self._max_concurrency, decode=decode, max_pages=self._max_pages
        )
        try:
            for page in pages:
                self.unknown_results.extend(page.unknown_results)
                progress.delivered(page)
                yield page
                del page  # the consumer's page is not held here while the next one is fetched
        except OaiUsageError as exc:
            progress.mark(exc)
            raise
        finally:
            pages.close()

    def pages(self) -> Generator[Page[B], None, None]:
        """The decoded pages, in time order."""
        return self._run(decode_page)

    def __iter__(self) -> Iterator[B]:
        for page in self.pages():
            yield from page.data

    def row_pages(self) -> Generator[Page[RowBucket], None, None]:
        """The pages, in time order, with buckets read straight into rows (`RowBucket`: no model objects)."""
        return self._run(decode_rows_page)

    def rows(self) -> Iterator[dict[str, Any]]:
        """One flat dict per (bucket, result), read straight from the JSON (no model objects built)."""
        for page in self.row_pages():
            for bucket in page.data:
                yield from bucket.rows

    def to_dataframe(self) -> Any:
        """All rows as a pandas DataFrame (declared columns even when there are no rows)."""
        pandas = _pandas()  # before any request: a missing extra should not cost a download
        return _frame(pandas, self.rows(), self.columns)

    def resume(self, point: ResumePoint | Mapping[str, Any]) -> Query[B]:
        """The query for what a failed run left: `point` is the error's `resume` (or its `to_dict()`)."""
        return Query(transport=self._transport, **self._arguments(point, None))

    def with_concurrency(self, max_concurrency: int) -> Query[B]:
        """This query, fetching up to `max_concurrency` windows at once (1: strictly one page after the other)."""
        return Query(transport=self._transport, **self._arguments(None, max_concurrency))


class AsyncQuery(_QueryBase[B]):
    """A lazy, re-iterable query over every page of one endpoint and range (asynchronous)."""

    def __init__(
        self,
        query: ValidQuery[B],
        transport: AsyncTransport,
        *,
        max_pages: int | None = None,
        max_concurrency: int = 1,
        origin: ValidQuery[B] | None = None,
        before: ResumePoint | None = None,
    ) -> None:
        super().__init__(query, max_pages=max_pages, max_concurrency=max_concurrency, origin=origin, before=before)
        self._transport = transport

    def _now(self) -> float:
        return self._transport.server_clock.now()

    async def _run(self, decode: PageDecoder) -> AsyncGenerator[Page[Any], None]:
        progress = self._progress()
        pages = afetch_pages(
            self._transport, self._query, concurrency=self._max_concurrency, decode=decode, max_pages=self._max_pages
        )
        try:
            async for page in pages:
                self.unknown_results.extend(page.unknown_results)
                progress.delivered(page)
                yield page
                del page  # the consumer's page is not held here while the next one is fetched
        except OaiUsageError as exc:
            progress.mark(exc)
            raise
        finally:
            await pages.aclose()

    def pages(self) -> AsyncGenerator[Page[B], None]:
        """The decoded pages, in time order."""
        return self._run(decode_page)

    async def _buckets(self) -> AsyncIterator[B]:
        async for page in self.pages():
            for bucket in page.data:
                yield bucket

    def __aiter__(self) -> AsyncIterator[B]:
        return self._buckets()

    def row_pages(self) -> AsyncGenerator[Page[RowBucket], None]:
        """The pages, in time order, with buckets read straight into rows (`RowBucket`: no model objects)."""
        return self._run(decode_rows_page)

    async def rows(self) -> AsyncIterator[dict[str, Any]]:
        """One flat dict per (bucket, result), read straight from the JSON (no model objects built)."""
        async for page in self.row_pages():
            for bucket in page.data:
                for row in bucket.rows:
                    yield row

    async def to_dataframe(self) -> Any:
        """All rows as a pandas DataFrame (declared columns even when there are no rows)."""
        pandas = _pandas()
        return _frame(pandas, [row async for row in self.rows()], self.columns)

    def resume(self, point: ResumePoint | Mapping[str, Any]) -> AsyncQuery[B]:
        """The query for what a failed run left: `point` is the error's `resume` (or its `to_dict()`)."""
        return AsyncQuery(transport=self._transport, **self._arguments(point, None))

    def with_concurrency(self, max_concurrency: int) -> AsyncQuery[B]:
        """This query, fetching up to `max_concurrency` windows at once (1: strictly one page after the other)."""
        return AsyncQuery(transport=self._transport, **self._arguments(None, max_concurrency))
