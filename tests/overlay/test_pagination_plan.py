"""The page chain's one loop (`follow_pages`/`afollow_pages`), which drives both the usage windows (`PageLoop`) and
the Admin lists (`ListPageLoop`): each request sent once, in order, until the plan says there is no next one."""

from __future__ import annotations

import asyncio
import weakref

from oai_usage.pagination import afollow_pages, follow_pages
from oai_usage.transport import Reply, RequestSpec


def _request(cursor: str | None) -> RequestSpec:
    return RequestSpec("GET", "/organization/projects", {"limit": 2, **({"after": cursor} if cursor else {})})


class _ThreePages:
    """A plan of three pages whose cursors are the page numbers; it counts how many were made."""

    made = 0

    def __init__(self) -> None:
        type(self).made += 1

    def first(self) -> RequestSpec:
        return _request(None)

    def accept(self, reply: Reply, /) -> tuple[str, RequestSpec | None]:
        number: int = reply.body["page"]
        return f"page {number}", (_request(str(number)) if number < 3 else None)


def _server(sent: list[RequestSpec]) -> Reply:
    return Reply(body={"page": len(sent)}, status_code=200, request_id=f"req_{len(sent)}")


def test_follow_pages_sends_each_next_request_until_the_plan_says_none() -> None:
    sent: list[RequestSpec] = []

    def send(request: RequestSpec) -> Reply:
        sent.append(request)
        return _server(sent)

    assert list(follow_pages(send, _ThreePages)) == ["page 1", "page 2", "page 3"]
    assert sent == [_request(None), _request("1"), _request("2")]


def test_the_plan_is_made_at_the_first_page_asked_for_not_at_the_call() -> None:
    before = _ThreePages.made
    pages = follow_pages(lambda request: _server([request]), _ThreePages)
    assert _ThreePages.made == before
    next(pages)
    assert _ThreePages.made == before + 1


def test_afollow_pages_gives_the_same_pages_with_an_awaitable_send() -> None:
    sent: list[RequestSpec] = []

    async def send(request: RequestSpec) -> Reply:
        sent.append(request)
        return _server(sent)

    async def collect() -> list[str]:
        return [page async for page in afollow_pages(send, _ThreePages)]

    assert asyncio.run(collect()) == ["page 1", "page 2", "page 3"]
    assert sent == [_request(None), _request("1"), _request("2")]


class _Held:
    """A page object the consumer lets go of; a weak reference to it tells whether anything still holds it."""

    def __init__(self, number: int) -> None:
        self.number = number


class _HeldPages(_ThreePages):
    def accept(self, reply: Reply, /) -> tuple[_Held, RequestSpec | None]:  # type: ignore[override]
        number: int = reply.body["page"]
        return _Held(number), (_request(str(number)) if number < 3 else None)


def test_follow_pages_holds_no_page_the_consumer_let_go_of_while_it_fetches_the_next() -> None:
    sent: list[RequestSpec] = []
    taken: list[weakref.ref[_Held]] = []
    alive_at_each_send: list[list[bool]] = []

    def send(request: RequestSpec) -> Reply:
        alive_at_each_send.append([ref() is not None for ref in taken])
        sent.append(request)
        return _server(sent)

    for held in follow_pages(send, _HeldPages):
        taken.append(weakref.ref(held))
        del held  # the consumer is done with it (as a sync is once the page's rows are in its batch)
    assert alive_at_each_send == [[], [False], [False, False]]


def test_afollow_pages_holds_no_page_the_consumer_let_go_of_while_it_fetches_the_next() -> None:
    sent: list[RequestSpec] = []
    taken: list[weakref.ref[_Held]] = []
    alive_at_each_send: list[list[bool]] = []

    async def send(request: RequestSpec) -> Reply:
        alive_at_each_send.append([ref() is not None for ref in taken])
        sent.append(request)
        return _server(sent)

    async def consume() -> None:
        async for held in afollow_pages(send, _HeldPages):
            taken.append(weakref.ref(held))
            del held

    asyncio.run(consume())
    assert alive_at_each_send == [[], [False], [False, False]]
