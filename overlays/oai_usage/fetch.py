"""Fetch a query's pages, its windows side by side, delivered in time order; sync (threads) and async (tasks).

With a concurrency of 1, or a range that fits one page, this is the plain page chain (`iter_pages`). Otherwise
the range is cut into windows (`windows.plan_windows`) and up to `concurrency` windows are fetched ahead of
the consumer: the oldest is handed over page by page, then the next window is started. So the pages come in
exactly the order a sequential fetch gives, and memory holds at most about `concurrency` windows (one page
each, at the default limit) whatever the length of the range. Every request of the fetch takes its slot from
one shared AIMD limiter, so a 429 slows the whole fetch down, not one request.

A window whose page still says `has_more` (a server that caps pages lower) is followed by cursor within the
window. An error in a window is raised after the pages that window delivered, and stops the fetch: pages are
never skipped.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections import deque
from collections.abc import AsyncGenerator, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from .errors import OaiUsageError, PaginationError
from .limiter import TaskLimiter, ThreadLimiter
from .page import Page
from .pagination import PageDecoder, aiter_pages, iter_pages
from .timeparse import iso
from .transport import AsyncTransport, SyncTransport
from .validation import ValidQuery
from .windows import Window, plan_windows, window_query

__all__ = ["afetch_pages", "fetch_pages"]


@dataclass
class _WindowPages:
    """What one window fetched, and the error that stopped it, if one did."""

    pages: list[Page[Any]]
    error: OaiUsageError | None = None


class _Merge:
    """Renumber pages across windows, check time order across them, and apply the caller's page cap."""

    def __init__(self, endpoint: str, max_pages: int | None) -> None:
        self.endpoint = endpoint
        self.max_pages = max_pages
        self.number = 0
        self.last_start: int | None = None

    def take(self, page: Page[Any]) -> Page[Any]:
        if self.max_pages is not None and self.number >= self.max_pages:
            raise PaginationError(
                f"more than {self.max_pages} pages (the cap); the range cannot need that many",
                endpoint=self.endpoint,
                pages=self.number,
            )
        self.number += 1
        for bucket in page.data:
            start: int = bucket.start_time
            if self.last_start is not None and start <= self.last_start:
                raise PaginationError(
                    f"page {self.number} has a bucket starting {iso(start)} after one starting "
                    f"{iso(self.last_start)}: buckets repeat or go back in time",
                    endpoint=self.endpoint,
                    pages=self.number,
                )
            self.last_start = start
        return page if page.number == self.number else dataclasses.replace(page, number=self.number)


def _plan(query: ValidQuery[Any], concurrency: int, now: float) -> list[Window]:
    if query.end_time is not None and query.start_time >= query.end_time:
        return []  # a resumed query with nothing left
    if concurrency <= 1:
        return [Window(0, query.start_time, query.end_time)]
    return plan_windows(query, now)


def fetch_pages(
    transport: SyncTransport,
    query: ValidQuery[Any],
    *,
    concurrency: int,
    decode: PageDecoder,
    max_pages: int | None = None,
) -> Generator[Page[Any], None, None]:
    """Every page of `query`, in time order, with up to `concurrency` windows in flight (threads)."""
    clock = transport.server_clock.now
    windows = _plan(query, concurrency, clock())
    reported: set[str] = set()
    if len(windows) <= 1:
        if windows:
            yield from iter_pages(
                transport.send, query, max_pages=max_pages, decode=decode, reported=reported, clock=clock
            )
        return
    send = functools.partial(transport.send, limiter=ThreadLimiter(concurrency))

    def run(window: Window) -> _WindowPages:
        done = _WindowPages([])
        try:
            for page in iter_pages(
                send, window_query(query, window), max_pages=max_pages, decode=decode, reported=reported, clock=clock
            ):
                done.pages.append(page)
        except OaiUsageError as exc:
            done.error = exc
        return done

    merge = _Merge(query.endpoint.name, max_pages)
    upcoming = iter(windows)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="oai_usage")
    pending: deque[Future[_WindowPages]] = deque(pool.submit(run, w) for w in islice(upcoming, concurrency))
    try:
        while pending:
            done = pending.popleft().result()
            following = next(upcoming, None)
            if following is not None and done.error is None:
                pending.append(pool.submit(run, following))
            for page in done.pages:
                yield merge.take(page)
            if done.error is not None:
                raise done.error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


async def afetch_pages(
    transport: AsyncTransport,
    query: ValidQuery[Any],
    *,
    concurrency: int,
    decode: PageDecoder,
    max_pages: int | None = None,
) -> AsyncGenerator[Page[Any], None]:
    """Every page of `query`, in time order, with up to `concurrency` windows in flight (asyncio tasks)."""
    clock = transport.server_clock.now
    windows = _plan(query, concurrency, clock())
    reported: set[str] = set()
    if len(windows) <= 1:
        if windows:
            async for page in aiter_pages(
                transport.send, query, max_pages=max_pages, decode=decode, reported=reported, clock=clock
            ):
                yield page
                del page  # not held while the next page is fetched (the sync twin's `yield from` holds none)
        return
    send = functools.partial(transport.send, limiter=TaskLimiter(concurrency))

    async def run(window: Window) -> _WindowPages:
        done = _WindowPages([])
        try:
            async for page in aiter_pages(
                send, window_query(query, window), max_pages=max_pages, decode=decode, reported=reported, clock=clock
            ):
                done.pages.append(page)
        except OaiUsageError as exc:
            done.error = exc
        return done

    merge = _Merge(query.endpoint.name, max_pages)
    upcoming = iter(windows)
    pending: deque[asyncio.Task[_WindowPages]] = deque(
        asyncio.create_task(run(w)) for w in islice(upcoming, concurrency)
    )
    try:
        while pending:
            done = await pending.popleft()
            following = next(upcoming, None)
            if following is not None and done.error is None:
                pending.append(asyncio.create_task(run(following)))
            for page in done.pages:
                yield merge.take(page)
            if done.error is not None:
                raise done.error
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
