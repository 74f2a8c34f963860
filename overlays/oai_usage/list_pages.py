"""Internal: follow an Admin list's `last_id` until `has_more` is false, with guards; sync and async share one loop.

The lists (projects, users, keys, service accounts, alerts: `endpoints.LISTS`, `PageStyle` "list") page with
`after=<last_id>` and have no time range, so none of the bucket checks of `pagination.PageLoop` apply. What does:
`has_more` without a cursor, a cursor that repeats or is absurdly long (`pagination.check_cursor`), an item listed
twice, a page with more items than `limit`, and the page cap are `PaginationError`s; a page that is not a list
page is a `DecodeError`. `ListPageLoop` does no I/O (a `pagination.PagePlan`); `iter_list_pages`/`aiter_list_pages`
drive it with the page chain's one loop (`pagination.follow_pages`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from typing import Any

from .endpoints import ListEndpoint
from .errors import DecodeError, PaginationError
from .page import ListPage
from .pagination import afollow_pages, check_cursor, follow_pages
from .transport import Reply, RequestSpec

__all__ = ["DEFAULT_LIST_PAGE_CAP", "ListPageLoop", "aiter_list_pages", "decode_list_page", "iter_list_pages"]

log = logging.getLogger("oai_usage")

DEFAULT_LIST_PAGE_CAP = 1000
"""Pages of one Admin list before a PaginationError (100,000 items at the largest page): a list has no range to
bound it, so the cap is a generous constant; `max_pages` on the client lowers it."""


def decode_list_page(endpoint: ListEndpoint, body: object, *, number: int, request_id: str | None) -> ListPage:
    """A list page: `data` (a list of objects), `has_more` (a bool) and the cursor field; else a DecodeError."""
    where = f"{endpoint.name} page {number}"
    if not isinstance(body, dict):
        raise DecodeError(f"{where}: expected a JSON object, got {type(body).__name__}", request_id=request_id)
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DecodeError(f"{where}: `data` must be a list of objects", field="data", request_id=request_id)
    has_more = body.get("has_more", False)  # the SDK treats a missing has_more as false
    if not isinstance(has_more, bool):
        raise DecodeError(f"{where}: `has_more` must be true or false", field="has_more", request_id=request_id)
    field_name = endpoint.page_style.next_cursor_field
    cursor = body.get(field_name)
    if cursor is not None and not isinstance(cursor, str):
        raise DecodeError(f"{where}: `{field_name}` must be a string or null", field=field_name, request_id=request_id)
    return ListPage(data=data, has_more=has_more, last_id=cursor, number=number, request_id=request_id)


class ListPageLoop:
    """The page chain of one Admin list, without I/O: the list-appropriate guards of `PageLoop`.

    The cursor goes in `page_style.cursor_param` (`after`) and comes from `page_style.next_cursor_field`
    (`last_id`). PaginationError when `has_more` comes without a cursor, a cursor repeats, an item id comes back
    on a later page (a rewound cursor would list it twice), a page holds more items than `limit`, or the page
    cap is passed. No bucket checks: lists have no time range.
    """

    def __init__(self, endpoint: ListEndpoint, params: dict[str, Any], *, max_pages: int | None = None) -> None:
        self.endpoint = endpoint
        self.params = params
        self.limit: int = params["limit"]
        self.max_pages = max_pages if max_pages is not None else DEFAULT_LIST_PAGE_CAP
        self.pages = 0
        self._cursors: set[str] = set()
        self._ids: set[str] = set()

    def first(self) -> RequestSpec:
        return self.endpoint.request(self.params, None)

    def _fail(self, message: str) -> PaginationError:
        return PaginationError(message, endpoint=self.endpoint.name, pages=self.pages)

    def accept(self, reply: Reply) -> tuple[ListPage, RequestSpec | None]:
        """The page in `reply`, and the request for the next one (None when this was the last)."""
        self.pages += 1
        page = decode_list_page(self.endpoint, reply.body, number=self.pages, request_id=reply.request_id)
        if len(page.data) > self.limit:
            raise self._fail(f"page {page.number} has {len(page.data)} items, more than the limit {self.limit}")
        for item in page.data:
            ident = item.get("id")
            if isinstance(ident, str):
                if ident in self._ids:
                    raise self._fail(f"page {page.number} lists {ident!r} a second time: the cursor went back")
                self._ids.add(ident)
        if not page.has_more:
            return page, None
        field_name = self.endpoint.page_style.next_cursor_field
        cursor = page.last_id
        if not cursor:
            raise self._fail(f"page {page.number} says has_more but gives no {field_name} cursor")
        check_cursor(cursor, field_name, page.number, self._fail)
        if cursor in self._cursors:
            raise self._fail(f"page {page.number} repeats the cursor {cursor!r}; following it would loop")
        if self.pages >= self.max_pages:
            raise self._fail(f"more than {self.max_pages} pages (the cap)")
        self._cursors.add(cursor)
        log.debug("%s: page %d has %d items; following %s", self.endpoint.name, page.number, len(page.data), field_name)
        return page, self.endpoint.request(self.params, cursor)


def iter_list_pages(
    send: Callable[[RequestSpec], Reply], endpoint: ListEndpoint, params: dict[str, Any], *, max_pages: int | None
) -> Iterator[ListPage]:
    """Every page of one Admin list, one after the other."""
    return follow_pages(send, partial(ListPageLoop, endpoint, params, max_pages=max_pages))


def aiter_list_pages(
    send: Callable[[RequestSpec], Awaitable[Reply]],
    endpoint: ListEndpoint,
    params: dict[str, Any],
    *,
    max_pages: int | None,
) -> AsyncIterator[ListPage]:
    """Every page of one Admin list, one after the other (async)."""
    return afollow_pages(send, partial(ListPageLoop, endpoint, params, max_pages=max_pages))
