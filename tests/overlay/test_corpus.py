"""The Python client reads every query of the corpus (tests/corpus: the shapes of real and official samples):
every page decodes, the observed edges pass the tiling checks, and the totals are the raw pages' totals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from oai_usage import UsageClient
from pytest_httpx import HTTPXMock

from tests.corpus import ADMIN_QUERIES, QUERIES, pages


def _serve(httpx_mock: HTTPXMock, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer the query's requests with its pages: the first without a cursor, the next for the previous cursor."""
    chain = pages(query)
    cursor_param, cursor_field = ("after", "last_id") if query in ADMIN_QUERIES else ("page", "next_page")

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1" + query["path"]
        cursor = request.url.params.get(cursor_param)
        index = 0 if cursor is None else 1 + [p[cursor_field] for p in chain].index(cursor)
        return httpx.Response(200, json=chain[index])

    httpx_mock.add_callback(answer, is_reusable=True)
    return chain


def _sum(value: Any, path: str) -> float:
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value or 0


@pytest.mark.parametrize("query", QUERIES, ids=[q["operation"] for q in QUERIES])
def test_every_usage_query_of_the_corpus_reads_with_the_raw_totals(
    client: UsageClient, httpx_mock: HTTPXMock, query: dict[str, Any]
) -> None:
    chain = _serve(httpx_mock, query)
    got = list(client.query(query["operation"], **query["params"]).with_concurrency(1).pages())
    raw = [r for page in chain for b in page["data"] for r in b["results"]]
    assert (len(got), sum(len(p.data) for p in got)) == (len(chain), sum(len(p["data"]) for p in chain))
    field = query["sum_field"]
    total = sum(_sum(row.to_dict(), field) for p in got for b in p.data for row in b.results)
    assert total == pytest.approx(sum(_sum(r, field) for r in raw), rel=1e-12)


def test_the_captured_costs_results_keep_their_organization_id(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    query = next(q for q in QUERIES if q["operation"] == "costs")
    _serve(httpx_mock, query)
    rows = list(client.query("costs", **query["params"]).with_concurrency(1).rows())
    assert {r["organization_id"] for r in rows[:4]} == {pages(query)[0]["data"][0]["results"][0]["organization_id"]}
    assert {r["organization_id"] for r in rows[4:]} == {None}  # the official example's keys: not sent


def test_the_admin_keys_of_the_corpus_read_with_and_without_expiry(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    (query,) = ADMIN_QUERIES
    _serve(httpx_mock, query)
    keys = client.admin_api_keys(**query["params"]).to_list()
    assert [k.get("expires_at") for k in keys] == [None, None, 1767225600]
