"""Response fuzzing: whatever the server sends, callers see data, tolerated drift, or one of our typed errors.

Never a bare KeyError, TypeError, AttributeError or JSONDecodeError from inside the generated code.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oai_usage import AsyncUsageClient, OaiUsageError, UsageClient

from tests.overlay.payloads import KEY, NOV_1, bucket, completions_result, costs_result, days, page

JSON_LEAVES = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats() | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a JSON tree (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        tree = tree[key]
    return tree


@st.composite
def mutated_bodies(draw: st.DrawFn, template: dict[str, Any]) -> bytes:
    """A valid page with one mutation: a value replaced, a key removed, a key added, or the text cut short."""
    body = copy.deepcopy(template)
    kind = draw(st.sampled_from(["replace", "delete", "add", "truncate", "html", "garbage"]))
    if kind == "truncate":
        text = json.dumps(body).encode()
        return text[: draw(st.integers(0, len(text) - 1))]
    if kind == "html":
        return b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
    if kind == "garbage":
        return draw(st.binary(max_size=40))
    path = draw(st.sampled_from(_paths(body)))
    parent = _parent(body, path)
    if kind == "replace":
        parent[path[-1]] = draw(JSON_VALUES)
    elif kind == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=8))] = draw(JSON_VALUES)
    else:
        parent.append(draw(JSON_VALUES))
    return json.dumps(body, allow_nan=True).encode()


COMPLETIONS_PAGE = page(days(NOV_1, 2, [completions_result(), completions_result(model="gpt-4o-mini")]))
COSTS_PAGE = page([bucket(NOV_1, [costs_result(), costs_result(value="12.50", line_item="web search")])])
STATUSES = st.sampled_from([200, 200, 200, 400, 401, 404, 429, 500, 502, 520])


def _client(status: int, body: bytes) -> UsageClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return UsageClient(KEY, http_client=http, max_retries=0)


def _consume(client: UsageClient, endpoint: str) -> None:
    query = client.query(endpoint, start_time=NOV_1, end_time=NOV_1 + 2 * 86400)
    list(query)
    list(query.rows())


@FUZZ
@given(body=mutated_bodies(COMPLETIONS_PAGE), status=STATUSES)
def test_mutated_completions_pages_give_data_or_typed_errors(body: bytes, status: int) -> None:
    # A typed error is fine; anything else propagates and fails the test.
    with _client(status, body) as client, contextlib.suppress(OaiUsageError):
        _consume(client, "completions")


@FUZZ
@given(body=mutated_bodies(COSTS_PAGE), status=STATUSES)
def test_mutated_costs_pages_give_data_or_typed_errors(body: bytes, status: int) -> None:
    with _client(status, body) as client, contextlib.suppress(OaiUsageError):
        _consume(client, "costs")


@FUZZ
@given(body=mutated_bodies(COMPLETIONS_PAGE))
def test_the_async_client_gives_data_or_typed_errors_too(body: bytes) -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    async def consume() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        async with AsyncUsageClient(KEY, http_client=http, max_retries=0) as client:
            query = client.completions(start_time=NOV_1, end_time=NOV_1 + 2 * 86400)
            [b async for b in query]
            [r async for r in query.rows()]
        await http.aclose()

    with contextlib.suppress(OaiUsageError):
        asyncio.run(consume())


def test_a_huge_page_decodes_whole() -> None:
    """1440 minute buckets of 20 grouped results each: a maximal page is read, not refused or cut."""
    results = [completions_result(model=f"model-{i}") for i in range(20)]
    huge = page([bucket(NOV_1 + 60 * i, results, width=60) for i in range(1440)])
    body = json.dumps(huge).encode()
    with _client(200, body) as client:
        rows = list(client.completions(start_time=NOV_1, end_time=NOV_1 + 86400, bucket_width="1m").rows())
    assert len(body) > 10_000_000
    assert len(rows) == 1440 * 20
    assert rows[-1]["model"] == "model-19"
