"""Follow `next_page` until `has_more` is false, with guards; sync and async share one state machine.

`PageLoop` does no I/O: it says what to request first, and for each reply returns the decoded page and the
next request (or None when done). It raises `PaginationError` when `has_more` is true without a cursor, when a
cursor comes back a second time, when buckets stop moving forward in time (a rewound cursor would count them
twice), when they do not tile the range (a late first bucket, a gap, a last page short of a past end: partial
data must not pass for complete), when a bucket is not inside the range with the asked width or a page holds
more buckets than `limit` (nothing extra: a total must not silently grow), or when the page cap is passed. Two
results with the same group key in one bucket are a `DecodeError`.

"Inside the range with the asked width" (W = the bucket width, S/E = the asked start/end, now = request time):

* the first bucket starts at S or at S rounded down to the minute (usage, as the live API does; when S is
  unaligned it is partial, ending at the next W boundary), or, for costs, whose buckets are whole UTC days, at S
  or at the UTC midnight at or before S;
* every later bucket starts on the W grid, where the one before ended;
* a bucket ends after its start and no later than the first W boundary after its start; one that ends before
  that boundary (clipped) ends at E, or, when there is no E or E is not behind the server's now, at most at the
  server's now (the live API clips its last bucket to min(E, now)); ending at the boundary after E (older
  sandboxes) is tolerated;
* no bucket starts at or after E, or, without E, after the server's now.

"Now" is the server's: the `Date` header of the reply being checked, else the client's clock (corrected by
earlier replies), with CLOCK_SKEW of slack either way. With a `Date`, a clipped bucket must end at that now (a
bucket clipped hours earlier is missing data); without one, only "not after now" is checked. A range that
starts after the server's now has nothing to serve: a ValidationError naming the range. A range wholly before
the server's now keeps every guard: its last page must reach E.

`iter_pages`/`aiter_pages` drive the loop for one window of parameters; `fetch` runs several windows side by side.
The Admin lists (`after`/`last_id`, no buckets) page in `list_pages`, with the cursor check of this module. Both
chains are a `PagePlan` (`first()`, then `accept(reply)` until it returns no next request), driven by the one loop
of `follow_pages`/`afollow_pages`.

The default page cap needs no tuning: a page holds at least one bucket, so a range cannot take more pages
than it has buckets. The cap is that count (plus one for a partial first bucket, plus one spare).

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import copy
import logging
import math
import operator
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from .clock import system_time
from .decode import decode_page
from .endpoints import KNOWN_RESULT_OBJECTS, WIDTH_SECONDS
from .errors import DecodeError, PaginationError, ValidationError
from .page import Page, RowBucket
from .timeparse import iso
from .transport import Reply, RequestSpec
from .validation import ValidQuery

__all__ = [
    "CLOCK_SKEW",
    "MAX_CURSOR_CHARS",
    "PageDecoder",
    "PageLoop",
    "PagePlan",
    "afollow_pages",
    "aiter_pages",
    "automatic_page_cap",
    "check_cursor",
    "follow_pages",
    "iter_pages",
]

log = logging.getLogger("oai_usage")

B = TypeVar("B")
P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)


class PagePlan(Protocol[P_co]):
    """A page chain without I/O: the first request, then for each reply its page and the next request (None: done)."""

    def first(self) -> RequestSpec: ...

    def accept(self, reply: Reply, /) -> tuple[P_co, RequestSpec | None]: ...


def follow_pages(send: Callable[[RequestSpec], Reply], plan: Callable[[], PagePlan[P]]) -> Iterator[P]:
    """Every page of the chain, one after the other with `send`. The plan is made at the first page asked for, not
    before (a PageLoop reads the clock when made)."""
    chain = plan()
    request: RequestSpec | None = chain.first()
    while request is not None:
        page, request = chain.accept(send(request))
        yield page
        del page  # not held while the next page is fetched and decoded: a chain holds one page at a time


async def afollow_pages(
    send: Callable[[RequestSpec], Awaitable[Reply]], plan: Callable[[], PagePlan[P]]
) -> AsyncIterator[P]:
    """Every page of the chain, one after the other with the awaitable `send` (the twin of `follow_pages`)."""
    chain = plan()
    request: RequestSpec | None = chain.first()
    while request is not None:
        page, request = chain.accept(await send(request))
        yield page
        del page  # as in follow_pages


def automatic_page_cap(query: ValidQuery[Any], now: float) -> int:
    """The most pages a well-behaved server can need for this query (one bucket per page at worst)."""
    end = query.end_time if query.end_time is not None else math.ceil(now)
    buckets = math.ceil(max(end - query.start_time, 0) / WIDTH_SECONDS[query.bucket_width])
    return buckets + 2


PageDecoder = Callable[..., Page[Any]]  # decode_page or decode_rows_page

CLOCK_SKEW = 120  # slack, in seconds, around the server's now (its Date header is whole seconds, taken at the edge)


def _group_keys(endpoint: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]] | None:
    """Getters of a result's group key (every field the endpoint can group by): for models and for rows."""
    spec = endpoint.params.get("group_by")
    names = tuple(spec.allowed) if spec is not None else ()
    if not names:
        return None
    if len(names) == 1:
        return operator.attrgetter(names[0]), operator.itemgetter(names[0])
    return operator.attrgetter(*names), operator.itemgetter(*names)


MAX_CURSOR_CHARS = 4096
"""The longest cursor followed (the live API's are under 100 characters): a longer one would not fit in a URL."""


def check_cursor(cursor: str, field_name: str, number: int, fail: Callable[[str], PaginationError]) -> None:
    """A PaginationError (from `fail`) for a cursor longer than MAX_CURSOR_CHARS, which no request could carry."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise fail(f"page {number} gives a {field_name} cursor of {len(cursor)} characters (at most "
                   f"{MAX_CURSOR_CHARS}); it cannot be followed")  # fmt: skip


class PageLoop(Generic[B]):
    """The page chain of one query window, without I/O.

    `decode` reads a page body (typed buckets by default; `decode_rows_page` for rows); `reported` is the set
    of unknown result kinds already warned about, shared by the windows of one fetch so each is warned once.
    """

    def __init__(
        self,
        query: ValidQuery[B],
        *,
        max_pages: int | None = None,
        now: float | None = None,
        decode: PageDecoder = decode_page,
        reported: set[str] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.query = query
        self.decode = decode
        self.endpoint = query.endpoint
        self.clock: Callable[[], float] = clock if clock is not None else system_time
        self.now = self.clock() if now is None else now
        self.max_pages = max_pages if max_pages is not None else automatic_page_cap(query, self.now)
        self.pages = 0
        self._cursors: set[str] = set()
        self._last_start: int | None = None
        self._covered_to: int | None = None  # end of the last bucket seen
        self._reported: set[str] = reported if reported is not None else set()
        self.width = WIDTH_SECONDS[query.bucket_width]
        self.limit = query.limit
        self.whole_days = query.endpoint.name == "costs"  # costs buckets are whole UTC days (live API)
        self._keys = _group_keys(query.endpoint)

    def _request(self, cursor: str | None) -> RequestSpec:
        return self.endpoint.request(self.query.params, cursor)

    def first(self) -> RequestSpec:
        return self._request(None)

    def _fail(self, message: str) -> PaginationError:
        return PaginationError(message, endpoint=self.endpoint.name, pages=self.pages)

    def accept(self, reply: Reply) -> tuple[Page[B], RequestSpec | None]:
        """The page in `reply`, and the request for the next one (None when this was the last)."""
        self.pages += 1
        failure: DecodeError | None = None
        try:
            page: Page[B] = self.decode(self.endpoint, reply.body, number=self.pages, request_id=reply.request_id)
        except DecodeError as exc:
            failure = copy.copy(exc)  # the same error without the decoder's traceback
        if failure is not None:
            # Raised afresh here: the decoder's frames (holding the raw body) stay off the traceback.
            raise failure
        dated = reply.server_time is not None
        server_now = reply.server_time if reply.server_time is not None else self.clock()
        self._check_not_future(server_now)
        self._check_buckets(page, server_now, dated)
        self._report_unknown(page)
        if not page.has_more:
            self._check_complete(page, server_now)
            return page, None
        cursor = page.next_page
        if not cursor:
            raise self._fail(f"page {page.number} says has_more but gives no next_page cursor")
        check_cursor(cursor, "next_page", page.number, self._fail)
        if cursor in self._cursors:
            raise self._fail(f"page {page.number} repeats the cursor {cursor!r}; following it would loop")
        if self.pages >= self.max_pages:
            raise self._fail(f"more than {self.max_pages} pages (the cap); the range cannot need that many")
        self._cursors.add(cursor)
        log.debug("%s: page %d has %d buckets; following next_page", self.endpoint.name, page.number, len(page.data))
        return page, self._request(cursor)

    def _check_not_future(self, server_now: float) -> None:
        """A range that starts after the server's now has nothing to serve yet: say so rather than return nothing."""
        start = self.query.start_time
        if start > server_now + CLOCK_SKEW:
            end = self.query.end_time
            span = f"{iso(start)} to {iso(end)}" if end is not None else f"from {iso(start)}"
            raise ValidationError(
                f"{self.endpoint.name}: the range {span} starts after the server's now ({iso(math.floor(server_now))})",
                param="start_time",
            )

    def _check_buckets(self, page: Page[B], server_now: float, dated: bool) -> None:
        """One pass over the page: buckets move forward in time, tile the range (the first holds the start, each
        begins where the one before ended) and stay inside it with the asked width; no group key twice. With the
        server's own time (`dated`), a bucket clipped before the end must be clipped at that time."""
        buckets: list[Any] = page.data  # any generated bucket model (or RowBucket): all have start/end times
        if len(buckets) > self.limit:
            raise self._fail(f"page {page.number} has {len(buckets)} buckets, more than the limit {self.limit}")
        width, first, end = self.width, self.query.start_time, self.query.end_time
        now = server_now + CLOCK_SKEW
        stop = end if end is not None else now
        clipped_ok = end is None or end > server_now - CLOCK_SKEW  # the last bucket may end at the server's now
        clip_floor = server_now - CLOCK_SKEW if dated else -math.inf  # without a Date, our clock may be far off
        for bucket in buckets:
            start: int = bucket.start_time
            finish: int = bucket.end_time
            if self._last_start is not None and start <= self._last_start:
                raise self._fail(
                    f"page {page.number} has a bucket starting {iso(start)} after one starting "
                    f"{iso(self._last_start)}: buckets repeat or go back in time"
                )
            if self._covered_to is None:
                # usage: the live API rounds the first start down to the minute; costs: to the UTC day
                if start != first and start != first - first % (width if self.whole_days else 60):
                    late = start > first
                    raise self._fail(
                        f"page {page.number} starts at {iso(start)}, not at the start of the range {iso(first)}: "
                        + ("buckets are missing" if late else "it begins before the range")
                    )
            elif start != self._covered_to:
                raise self._fail(
                    f"page {page.number} has a gap: a bucket ends at {iso(self._covered_to)} and the next starts "
                    f"at {iso(start)}"
                )
            elif start % width:
                raise self._fail(
                    f"page {page.number} has a bucket starting at {iso(start)}, off the {self.query.bucket_width} "
                    "grid: only the first bucket of a range may be partial"
                )
            if start >= stop:
                raise self._fail(
                    f"page {page.number} has a bucket starting at {iso(start)}, at or after the end of the range "
                    f"{iso(math.floor(stop))}{'' if end is not None else ' (now)'}: buckets were added"
                )
            boundary = start - start % width + width
            if not start < finish <= boundary or (
                finish < boundary and finish != end and not (clipped_ok and clip_floor <= finish <= now)
            ):
                raise self._fail(
                    f"page {page.number} has a bucket {iso(start)} to {iso(finish)}, not one "
                    f"{self.query.bucket_width} bucket (it should end at {iso(boundary)}, or be clipped at the end "
                    "of the range)"
                )
            self._last_start = start
            self._covered_to = finish
            self._check_unique(bucket, page.number)

    def _check_unique(self, bucket: Any, number: int) -> None:
        """Two results with the same group key in one bucket would count twice: a DecodeError."""
        if self._keys is None:
            return
        if isinstance(bucket, RowBucket):
            items: list[Any] = bucket.rows
            key = self._keys[1]
        else:
            items = bucket.results
            key = self._keys[0]
        if len(items) < 2:
            return
        try:
            distinct = len(set(map(key, items)))
        except (TypeError, KeyError, AttributeError):  # an odd result: the decoder has judged it already
            return
        if distinct != len(items):
            raise DecodeError(
                f"{self.endpoint.name} page {number}, bucket {iso(bucket.start_time)}: two results have the same "
                "group key; one of them would be counted twice",
                field="results",
            )

    def _check_complete(self, page: Page[B], server_now: float) -> None:
        """The last page must reach the end of a range that is wholly in the server's past: no silent partial data."""
        end = self.query.end_time
        if end is None or end > server_now - CLOCK_SKEW:
            return  # an open end, or one the server may not have reached: the server decides where "now" is
        reached = self._covered_to if self._covered_to is not None else self.query.start_time
        if reached < end:
            raise self._fail(
                f"page {page.number} says has_more is false but the buckets stop at {iso(reached)}, "
                f"before the end of the range {iso(end)}"
            )

    def _report_unknown(self, page: Page[B]) -> None:
        for kind in dict.fromkeys(result.kind for result in page.unknown_results):
            if kind in self._reported:
                continue
            self._reported.add(kind)
            owner = KNOWN_RESULT_OBJECTS.get(kind)
            note = f" (results of the {owner} endpoint)" if owner else ""
            log.warning(
                "%s: results of unknown kind %r%s kept aside, first on page %d; see Query.unknown_results",
                self.endpoint.name,
                kind,
                note,
                page.number,
            )


def iter_pages(
    send: Callable[[RequestSpec], Reply],
    query: ValidQuery[B],
    *,
    max_pages: int | None = None,
    decode: PageDecoder = decode_page,
    reported: set[str] | None = None,
    clock: Callable[[], float] | None = None,
) -> Iterator[Page[B]]:
    """Every page of one query window, fetched one after the other with `send`; `clock` gives the server's now."""
    plan = partial(PageLoop, query, max_pages=max_pages, decode=decode, reported=reported, clock=clock)
    return follow_pages(send, plan)


def aiter_pages(
    send: Callable[[RequestSpec], Awaitable[Reply]],
    query: ValidQuery[B],
    *,
    max_pages: int | None = None,
    decode: PageDecoder = decode_page,
    reported: set[str] | None = None,
    clock: Callable[[], float] | None = None,
) -> AsyncIterator[Page[B]]:
    """Every page of one query window, fetched one after the other with the awaitable `send`."""
    plan = partial(PageLoop, query, max_pages=max_pages, decode=decode, reported=reported, clock=clock)
    return afollow_pages(send, plan)
