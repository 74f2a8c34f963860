"""UsageClient: one method per endpoint, settings, timeouts, lifecycle, and the issue's own example end to end."""

from __future__ import annotations

import weakref
from typing import Any

import httpx
import pytest
from oai_usage import AsyncUsageClient, Query, UsageClient, ValidationError
from oai_usage.endpoints import ENDPOINTS
from oai_usage_api.models import UsageCompletionsBucket
from pytest_httpx import HTTPXMock

from tests.overlay.conftest import PageLiveness
from tests.overlay.payloads import BASE, CURSOR_2, DAY, HOUR, KEY, NOV_1, NOV_24, bucket, completions_result, page

NAMES = list(ENDPOINTS)


def _hours(first: int, count: int) -> list[dict[str, Any]]:
    return [
        bucket(
            first + i * HOUR,
            [completions_result(model="gpt-4o-2024-08-06"), completions_result(model="gpt-4o-mini-2024-07-18")],
            width=HOUR,
        )
        for i in range(count)
    ]


def test_the_issue_example_reads_every_hour_of_the_range_over_four_pages(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    hours = 23 * 24  # 552 hourly buckets at 168 a page: 168 + 168 + 168 + 48
    for n, first in enumerate(range(0, hours, 168)):
        count = min(168, hours - first)
        more = f"page_{n + 2}+/=" if first + count < hours else None
        httpx_mock.add_response(json=page(_hours(NOV_1 + first * HOUR, count), more))
    q = client.completions(
        start_time="2026-11-01", end_time="2026-11-24", bucket_width="1h", group_by=["model", "project_id"]
    ).with_concurrency(1)  # one page after the other, following next_page (windows: tests/overlay/test_fetch.py)
    buckets = list(q)
    assert len(buckets) == hours
    assert all(isinstance(b, UsageCompletionsBucket) for b in buckets)
    assert [b.start_time for b in buckets] == list(range(NOV_1, NOV_24, HOUR))
    assert len(httpx_mock.get_requests()) == 4
    assert {r.url.params["limit"] for r in httpx_mock.get_requests()} == {"168"}


@pytest.mark.parametrize("name", NAMES)
def test_each_method_queries_its_endpoint_path(client: UsageClient, httpx_mock: HTTPXMock, name: str) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1)]))
    query = getattr(client, name)(start_time=NOV_1)
    assert isinstance(query, Query)
    list(query)
    assert str(httpx_mock.get_requests()[0].url).startswith(f"{BASE}{ENDPOINTS[name].path}?start_time={NOV_1}&")


def test_query_by_name_is_the_same_as_the_method(client: UsageClient) -> None:
    assert repr(client.query("costs", start_time=NOV_1)) == repr(client.costs(start_time=NOV_1))


def test_query_by_an_unknown_name_is_a_validation_error(client: UsageClient) -> None:
    with pytest.raises(ValidationError, match="unknown endpoint 'cost'"):
        client.query("cost", start_time=NOV_1)


def test_settings_are_exposed(clean_env: pytest.MonkeyPatch) -> None:
    with UsageClient(KEY, organization="org-1", project="proj_1", max_retries=5) as client:
        assert (client.base_url, client.organization, client.project, client.max_retries) == (
            "https://api.openai.com/v1",
            "org-1",
            "proj_1",
            5,
        )


def test_a_default_timeout_is_applied_to_every_request(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1)]))
    list(client.costs(start_time=NOV_1))
    assert httpx_mock.get_requests()[0].extensions["timeout"] == {
        "connect": 5.0,
        "read": 60.0,
        "write": 60.0,
        "pool": 60.0,
    }


def test_a_timeout_in_seconds_applies_to_every_phase(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1)]))
    with UsageClient(KEY, timeout=12) as client:
        list(client.costs(start_time=NOV_1))
    assert set(httpx_mock.get_requests()[0].extensions["timeout"].values()) == {12.0}


def test_an_injected_client_keeps_its_own_timeout(clean_env: pytest.MonkeyPatch) -> None:
    with httpx.Client(timeout=httpx.Timeout(30, connect=2)) as own:
        assert UsageClient(KEY, http_client=own).timeout == httpx.Timeout(30, connect=2)


def test_an_injected_client_without_a_timeout_gets_the_default(clean_env: pytest.MonkeyPatch) -> None:
    with httpx.Client(timeout=None) as own:
        assert UsageClient(KEY, http_client=own).timeout == httpx.Timeout(60, connect=5)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", 0),
        ("timeout", -1),
        ("timeout", "60"),
        ("max_retries", -1),
        ("max_retries", True),
        ("max_pages", 0),
        ("max_pages", 2.5),
    ],
)
def test_bad_settings_are_refused(clean_env: pytest.MonkeyPatch, option: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        UsageClient(KEY, **{option: value})
    assert info.value.param == option


def test_closing_the_client_closes_its_own_http_client(clean_env: pytest.MonkeyPatch) -> None:
    with UsageClient(KEY) as client:
        query = client.costs(start_time=NOV_1)
    with pytest.raises(RuntimeError, match="closed"):
        list(query)


def test_a_query_repr_shows_endpoint_and_parameters(client: UsageClient) -> None:
    query = client.completions(start_time=NOV_1, group_by=["model"])
    assert (
        repr(query)
        == f"Query(endpoint='completions', params={{'start_time': {NOV_1}, 'limit': 31, 'group_by': ['model']}})"
    )
    assert query.endpoint == "completions"


def test_a_cursor_is_followed_through_an_injected_client(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1)], CURSOR_2))
    httpx_mock.add_response(json=page([bucket(NOV_1 + 86400)]))
    with httpx.Client() as own:
        client = UsageClient(KEY, http_client=own)
        assert len(list(client.costs(start_time=NOV_1, end_time=NOV_1 + 2 * 86400))) == 2
    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in httpx_mock.get_requests())


def _cookie_pages(httpx_mock: HTTPXMock) -> None:
    first = page([bucket(NOV_1)], next_page="page_2")
    httpx_mock.add_response(json=first, headers={"set-cookie": "tracker=abc123; Path=/; Domain=api.openai.com"})
    httpx_mock.add_response(json=page([bucket(NOV_1 + DAY)]))


def test_cookies_set_by_the_server_are_neither_kept_nor_sent(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _cookie_pages(httpx_mock)
    assert len(list(client.costs(start_time=NOV_1, end_time=NOV_1 + 2 * DAY).with_concurrency(1))) == 2
    assert all("cookie" not in request.headers for request in httpx_mock.get_requests())
    assert not list(client._transport.http.cookies.jar)


async def test_the_async_client_keeps_no_cookies(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    _cookie_pages(httpx_mock)
    assert len([b async for b in aclient.costs(start_time=NOV_1, end_time=NOV_1 + 2 * DAY).with_concurrency(1)]) == 2
    assert all("cookie" not in request.headers for request in httpx_mock.get_requests())


def test_a_query_holds_no_page_the_consumer_let_go_of_while_it_fetches_the_next(
    client: UsageClient, three_daily_pages: PageLiveness
) -> None:
    query = client.completions(start_time=NOV_1, end_time=NOV_1 + 3 * DAY, bucket_width="1d").with_concurrency(1)
    for got in query.row_pages():
        three_daily_pages.taken.append(weakref.ref(got))
        del got  # done with it: a page's rows can be let go before the next page arrives
    assert three_daily_pages.alive_at_each_request == [[], [False], [False, False]]
