"""AsyncUsageClient: the same queries with `async for`, the same validation, retries, errors and guards."""

from __future__ import annotations

import sys
import weakref
from typing import Any

import httpx
import pytest
from oai_usage import (
    AsyncQuery,
    AsyncUsageClient,
    AuthenticationError,
    MissingDependencyError,
    PaginationError,
    ServerError,
    ValidationError,
)
from oai_usage.endpoints import ENDPOINTS
from oai_usage_api.models import CostsBucket
from pytest_httpx import HTTPXMock

from tests.overlay.conftest import PageLiveness
from tests.overlay.payloads import (
    CURSOR_2,
    CURSOR_3,
    DAY,
    KEY,
    NOV_1,
    bucket,
    completions_result,
    costs_result,
    days,
    error_body,
    page,
)

END = NOV_1 + 6 * DAY


def _two_pages(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 3, [costs_result(value="1.50")]), CURSOR_2))
    httpx_mock.add_response(json=page(days(NOV_1 + 3 * DAY, 3, [costs_result(value="2.25")])))


async def test_async_for_yields_every_bucket_of_every_page(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    _two_pages(httpx_mock)
    buckets = [b async for b in aclient.costs(start_time=NOV_1, end_time=END)]
    assert [b.start_time for b in buckets] == [NOV_1 + i * DAY for i in range(6)]
    assert all(isinstance(b, CostsBucket) for b in buckets)
    assert httpx_mock.get_requests()[1].url.params["page"] == CURSOR_2


async def test_async_rows_flatten_costs(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    _two_pages(httpx_mock)
    rows = [row async for row in aclient.costs(start_time=NOV_1, end_time=END).rows()]
    assert [row["amount_value"] for row in rows] == [1.5] * 3 + [2.25] * 3
    assert rows[0]["bucket_start"].isoformat() == "2026-11-01T00:00:00+00:00"


async def test_async_pages_are_numbered(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    _two_pages(httpx_mock)
    numbers = [p.number async for p in aclient.costs(start_time=NOV_1, end_time=END).pages()]
    assert numbers == [1, 2]


@pytest.mark.parametrize("name", list(ENDPOINTS))
async def test_each_async_method_queries_its_endpoint_path(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock, name: str
) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1)]))
    query = getattr(aclient, name)(start_time=NOV_1)
    assert isinstance(query, AsyncQuery)
    assert [b async for b in query]
    assert httpx_mock.get_requests()[0].url.path == "/v1" + ENDPOINTS[name].path


async def test_async_validation_fails_before_any_request(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    with pytest.raises(ValidationError, match="limit 1441 is not allowed with bucket_width 1m; allowed: 1 to 1440"):
        aclient.completions(start_time=NOV_1, bucket_width="1m", limit=1441)
    with pytest.raises(ValidationError, match="group_by value 'line_item' is not supported"):
        aclient.query("completions", start_time=NOV_1, group_by=["line_item"])
    assert httpx_mock.get_requests() == []


async def test_async_retry_honours_retry_after_with_the_injected_sleep(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(
        status_code=429, json=error_body("slow down", "requests", "rate_limit_exceeded"), headers={"Retry-After": "3"}
    )
    httpx_mock.add_response(status_code=500, json=error_body("boom", "server_error"))
    httpx_mock.add_response(json=page([bucket(NOV_1, [completions_result()])]))
    rows = [row async for row in aclient.completions(start_time=NOV_1).rows()]
    assert len(rows) == 1
    assert sleeps[0] == 3.0
    assert 0.75 <= sleeps[1] <= 1.0


async def test_async_server_error_after_the_retries(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    for _ in range(3):
        httpx_mock.add_response(status_code=520, text="<title>520: unknown error</title>")
    with pytest.raises(ServerError) as info:
        [b async for b in aclient.costs(start_time=NOV_1)]
    assert info.value.status_code == 520


async def test_async_401_names_the_admin_key_requirement(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=401, json=error_body("Incorrect API key provided.", code="invalid_api_key"))
    with pytest.raises(AuthenticationError, match="with usage read access is required"):
        [b async for b in aclient.costs(start_time=NOV_1)]


async def test_async_repeated_cursor_is_a_pagination_error(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1), CURSOR_3))
    httpx_mock.add_response(json=page(days(NOV_1 + DAY, 1), CURSOR_3))
    with pytest.raises(PaginationError, match="repeats the cursor"):
        [b async for b in aclient.costs(start_time=NOV_1, end_time=END)]


async def test_async_to_dataframe_without_pandas(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError):
        await aclient.costs(start_time=NOV_1).to_dataframe()
    assert httpx_mock.get_requests() == []


async def test_async_to_dataframe_with_real_pandas(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    pytest.importorskip("pandas")
    _two_pages(httpx_mock)
    frame: Any = await aclient.costs(start_time=NOV_1, end_time=END).to_dataframe()
    assert frame["amount_value"].sum() == pytest.approx(11.25)


async def test_closing_the_async_client_closes_its_own_http_client(clean_env: pytest.MonkeyPatch) -> None:
    async with AsyncUsageClient(KEY) as client:
        query = client.costs(start_time=NOV_1)
    with pytest.raises(RuntimeError, match="closed"):
        [b async for b in query]


async def test_the_async_client_refuses_a_sync_http_client(clean_env: pytest.MonkeyPatch) -> None:
    with httpx.Client() as sync_client, pytest.raises(TypeError, match=r"httpx\.AsyncClient"):
        AsyncUsageClient(KEY, http_client=sync_client)  # type: ignore[arg-type]


async def test_the_async_client_uses_the_same_base_url_rules(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_BASE_URL", "http://localhost:9000/v1")
    async with AsyncUsageClient(KEY) as client:
        assert client.base_url == "http://localhost:9000/v1"


async def test_an_async_query_holds_no_page_the_consumer_let_go_of_while_it_fetches_the_next(
    aclient: AsyncUsageClient, three_daily_pages: PageLiveness
) -> None:
    query = aclient.completions(start_time=NOV_1, end_time=NOV_1 + 3 * DAY, bucket_width="1d").with_concurrency(1)
    async for got in query.pages():
        three_daily_pages.taken.append(weakref.ref(got))
        del got
    assert three_daily_pages.alive_at_each_request == [[], [False], [False, False]]
