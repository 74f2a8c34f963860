"""The corpus replay (tools/consumers/corpus_server.py) that `tox -e consumers` points every consumer at."""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from tests.corpus import ADMIN_QUERIES, MANIFEST, QUERIES, pages
from tests.tools.consumers import load

server = load("tools/consumers/corpus_server.py", "corpus_server")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with server.serve_corpus() as url:
        yield url


@pytest.mark.parametrize("query", QUERIES, ids=[q["operation"] for q in QUERIES])
def test_a_usage_query_gets_its_pages_in_order_by_cursor(base_url: str, query: dict[str, Any]) -> None:
    chain = pages(query)
    got = [httpx.get(f"{base_url}{query['path']}").json()]
    while got[-1]["has_more"]:
        got.append(httpx.get(f"{base_url}{query['path']}", params={"page": got[-1]["next_page"]}).json())
    assert got == chain


def test_an_admin_list_gets_its_next_page_after_the_last_id(base_url: str) -> None:
    (query,) = ADMIN_QUERIES
    first, second = pages(query)
    answer = httpx.get(f"{base_url}{query['path']}", params={"after": first["last_id"], "limit": 2})
    assert answer.json() == second


def test_an_unknown_cursor_is_a_400(base_url: str) -> None:
    answer = httpx.get(f"{base_url}/organization/usage/completions", params={"page": "page_forged"})
    assert (answer.status_code, answer.json()["error"]["param"]) == (400, "page")


def test_a_path_without_corpus_pages_is_a_404(base_url: str) -> None:
    assert httpx.get(f"{base_url}/organization/usage/embeddings").status_code == 404


def test_the_last_page_cursor_leads_nowhere(base_url: str) -> None:
    (query,) = ADMIN_QUERIES
    last = pages(query)[-1]
    assert httpx.get(f"{base_url}{query['path']}", params={"after": last["last_id"]}).status_code == 400


def test_every_answer_is_dated_when_the_corpus_was_captured(base_url: str) -> None:
    """A client taking "now" from `Date` sees the last usage bucket clipped at now, as the capture did."""
    now = MANIFEST["now"]
    for path in ("/organization/usage/completions", "/organization/nowhere"):
        response = httpx.get(f"{base_url}{path}")
        assert parsedate_to_datetime(response.headers["date"]).timestamp() == now
