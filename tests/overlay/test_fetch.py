"""Concurrent range fetching: windows side by side, delivered exactly as one sequential fetch delivers them."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

import httpx
import pytest
from oai_usage import AsyncUsageClient, PaginationError, ServerError, UsageClient, ValidationError
from oai_usage.client import DEFAULT_CONCURRENCY
from pytest_httpx import HTTPXMock

from tests.overlay.fakeapi import FakeUsageAPI
from tests.overlay.payloads import DAY, HOUR, KEY, LATER, MINUTE, NOV_1, bucket, completions_result, page

pytestmark = pytest.mark.wall_clock(LATER)  # the ranges (up to a year from NOV_1) are in the past

MONTH_END = NOV_1 + 30 * DAY
GROUPED = {"bucket_width": "1h", "group_by": ["model", "project_id"]}


def _api(httpx_mock: HTTPXMock, width: int = HOUR, **options: object) -> FakeUsageAPI:
    api = FakeUsageAPI(width, **options)  # type: ignore[arg-type]
    httpx_mock.add_callback(api, is_reusable=True)
    return api


def _starts(buckets: Sequence[object]) -> list[int]:
    return [b.start_time for b in buckets]  # type: ignore[attr-defined]


def test_a_month_of_hours_concurrently_equals_the_sequential_fetch(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock)
    q = client.completions(start_time=NOV_1, end_time=MONTH_END, **GROUPED)  # type: ignore[arg-type]
    assert list(q) == list(q.with_concurrency(1))


def test_concurrent_rows_equal_sequential_rows(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock)
    q = client.completions(start_time=NOV_1, end_time=MONTH_END, **GROUPED)  # type: ignore[arg-type]
    assert list(q.rows()) == list(q.with_concurrency(1).rows())


def test_each_window_is_one_page_at_the_largest_limit(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    list(client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h"))
    spans = sorted((int(r.url.params["start_time"]), int(r.url.params["end_time"])) for r in api.requests)
    assert spans == [(s, min(s + 168 * HOUR, MONTH_END)) for s in range(NOV_1, MONTH_END, 168 * HOUR)]
    assert all("page" not in r.url.params for r in api.requests)


def test_an_unaligned_start_keeps_its_partial_first_bucket(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock)
    q = client.completions(start_time=NOV_1 + 1234, end_time=MONTH_END - 77, bucket_width="1h")
    buckets = list(q)
    assert (buckets[0].start_time, buckets[0].end_time) == (NOV_1 + 1234, NOV_1 + HOUR)
    assert buckets == list(q.with_concurrency(1))


def test_later_windows_start_on_bucket_boundaries(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    list(client.completions(start_time=NOV_1 + 1234, end_time=MONTH_END, bucket_width="1h"))
    starts = sorted(int(r.url.params["start_time"]) for r in api.requests)
    assert starts[0] == NOV_1 + 1234
    assert all(start % HOUR == 0 for start in starts[1:])


def test_an_explicit_limit_sizes_the_windows(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    q = client.completions(start_time=NOV_1, end_time=NOV_1 + 2 * DAY, bucket_width="1h", limit=10)
    pages = list(q.pages())
    assert max(len(p.data) for p in pages) == 10
    assert len(api.requests) == 5  # 48 hours at 10 a page
    assert [b for p in pages for b in p.data] == list(q.with_concurrency(1))


def test_a_window_the_server_pages_more_finely_follows_its_cursor(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock, cap=50)
    q = client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    buckets = list(q)
    assert _starts(buckets) == list(range(NOV_1, MONTH_END, HOUR))
    assert any("page" in r.url.params for r in api.requests)


def test_an_open_range_ends_its_last_window_open(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    start = api.now - api.now % HOUR - 20 * DAY
    q = client.completions(start_time=start, bucket_width="1h")
    concurrent = list(q)
    open_windows = sum("end_time" not in r.url.params for r in api.requests)
    assert concurrent == list(q.with_concurrency(1))
    assert open_windows == 1


def test_a_week_of_minutes_is_seven_windows(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock, width=MINUTE)
    buckets = list(client.completions(start_time=NOV_1, end_time=NOV_1 + 7 * DAY, bucket_width="1m"))
    assert len(buckets) == 7 * 1440
    assert len(api.requests) == 7


def test_pages_are_numbered_across_windows(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock)
    pages = list(client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h").pages())
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))


def test_the_consumer_is_never_more_than_the_concurrency_ahead(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    api = _api(httpx_mock)
    with UsageClient(KEY, max_concurrency=3) as client:
        pages = client.completions(start_time=NOV_1, end_time=NOV_1 + 365 * DAY, bucket_width="1h").pages()
        next(pages)
        sent_after_first_page = len(api.requests)
        pages.close()
    assert sent_after_first_page <= 3 + 1  # the windows in flight, and the one started when the first was handed over
    assert len(api.requests) <= 3 + 1


def test_a_year_is_fetched_in_full(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    count = sum(1 for _ in client.completions(start_time=NOV_1, end_time=NOV_1 + 365 * DAY, bucket_width="1h"))
    assert count == 365 * 24
    assert len(api.requests) == -(-365 * 24 // 168)


def test_concurrency_one_follows_next_page_over_the_whole_range(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    api = _api(httpx_mock)
    with UsageClient(KEY, max_concurrency=1) as client:
        list(client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h"))
    assert {r.url.params["start_time"] for r in api.requests} == {str(NOV_1)}
    assert len(api.requests) == 5


def test_the_default_concurrency_is_exposed(client: UsageClient) -> None:
    assert client.max_concurrency == DEFAULT_CONCURRENCY
    assert client.completions(start_time=NOV_1).max_concurrency == DEFAULT_CONCURRENCY
    assert client.completions(start_time=NOV_1).with_concurrency(2).max_concurrency == 2


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "4"])
def test_a_bad_concurrency_is_a_validation_error(clean_env: pytest.MonkeyPatch, value: object) -> None:
    with pytest.raises(ValidationError, match="max_concurrency"):
        UsageClient(KEY, max_concurrency=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, 2.0])
def test_a_bad_per_query_concurrency_is_a_validation_error(client: UsageClient, value: object) -> None:
    with pytest.raises(ValidationError, match="max_concurrency"):
        client.completions(start_time=NOV_1).with_concurrency(value)  # type: ignore[arg-type]


def test_the_page_cap_counts_pages_across_windows(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock)
    with UsageClient(KEY, max_pages=3) as client, pytest.raises(PaginationError, match="more than 3 pages"):
        list(client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h"))


def test_windows_that_overlap_in_time_are_refused(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    # A server that ignores start_time sends the first window's buckets for every window.
    first_window = [bucket(NOV_1 + i * HOUR, width=HOUR) for i in range(168)]
    httpx_mock.add_response(json=page(first_window), is_reusable=True)
    with pytest.raises(PaginationError, match="not at the start of the range"):
        list(client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h"))


def test_an_unknown_result_kind_is_warned_once_across_windows(
    client: UsageClient, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        start, end = int(request.url.params["start_time"]), int(request.url.params["end_time"])
        other = {"object": "organization.usage.future.result", "n": 1}
        buckets = [
            bucket(t, [completions_result(), other] if t == start else [], width=HOUR) for t in range(start, end, HOUR)
        ]
        return httpx.Response(200, json=page(buckets))

    httpx_mock.add_callback(answer, is_reusable=True)
    q = client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    with caplog.at_level(logging.WARNING, logger="oai_usage"):
        list(q)
    assert len(q.unknown_results) == 5
    assert sum("organization.usage.future.result" in r.message for r in caplog.records) == 1


def test_a_failing_window_raises_after_the_windows_before_it(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    third = NOV_1 + 2 * 168 * HOUR
    _api(httpx_mock, fail=lambda request, _: 500 if request.url.params["start_time"] == str(third) else None)
    delivered: list[int] = []
    with pytest.raises(ServerError):
        for b in client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h"):
            delivered.append(b.start_time)
    assert delivered == list(range(NOV_1, third, HOUR))


async def test_async_concurrent_fetch_equals_the_sequential_fetch(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock
) -> None:
    _api(httpx_mock)
    q = aclient.completions(start_time=NOV_1 + 99, end_time=MONTH_END, **GROUPED)  # type: ignore[arg-type]
    concurrent = [b async for b in q]
    assert concurrent == [b async for b in q.with_concurrency(1)]
    assert len(concurrent) == 720


async def test_async_rows_equal_sequential_rows(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock, cap=100)
    q = aclient.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    assert [r async for r in q.rows()] == [r async for r in q.with_concurrency(1).rows()]


async def test_async_fetch_stops_when_the_consumer_stops(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    pages = aclient.completions(start_time=NOV_1, end_time=NOV_1 + 365 * DAY, bucket_width="1h").pages()
    await pages.__anext__()
    await pages.aclose()
    assert len(api.requests) <= DEFAULT_CONCURRENCY + 1


def test_buckets_delivered_are_plain_json_equal_to_the_server_view(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = _api(httpx_mock)
    buckets = list(client.completions(start_time=NOV_1, end_time=NOV_1 + 3 * DAY, bucket_width="1h"))
    sent = api.buckets(NOV_1, NOV_1 + 3 * DAY)
    assert [json.loads(json.dumps(b.to_dict())) for b in buckets] == sent
