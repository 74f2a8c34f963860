"""Nothing extra: every bucket lies inside the asked range with the asked width, and no result counts twice.

A hostile or broken server that adds buckets after the end, more buckets than `limit`, buckets of the wrong
width or duplicated results gets a `PaginationError` (with a resume point) or a `DecodeError`, on every path:
sync and async, buckets, rows and DataFrames, one window or eight. The edges the live API really serves still
pass: costs in whole UTC days (a first bucket from the midnight before an unaligned start), a usage last bucket
clipped at `end_time` or at the request time, and (older sandboxes) a last bucket running to the boundary
after `end_time`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from oai_usage import AsyncUsageClient, DecodeError, OaiUsageError, PaginationError, UsageClient
from oai_usage_sandbox import SandboxConfig, SandboxTransport
from pytest_httpx import HTTPXMock

from tests.overlay.fakeapi import FakeUsageAPI
from tests.overlay.payloads import DAY, HOUR, KEY, LATER, NOV_1, completions_result, costs_result, page

pytestmark = pytest.mark.wall_clock(LATER)  # the fixed ranges (up to 400 days from NOV_1) are in the past

Edit = Callable[[list[dict[str, Any]], int, int, bool], list[dict[str, Any]]]
MONTH = NOV_1 + 30 * DAY  # 720 hourly buckets: five windows of 168
CONCURRENCY = [1, 8]


class EditingAPI(FakeUsageAPI):
    """The fake API, with `edit(buckets, start, end, last_page)` applied to every page it serves."""

    def __init__(self, width: int, edit: Edit, **options: Any) -> None:
        super().__init__(width, **options)
        self.edit = edit

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = super().__call__(request)
        body = response.json()
        params = request.url.params
        end = int(params["end_time"]) if "end_time" in params else self.now
        body["data"] = self.edit(body["data"], int(params["start_time"]), end, not body["has_more"])
        return httpx.Response(200, json=body, headers=self.headers())


class WholeDays(FakeUsageAPI):
    """Costs as the live API cuts them: whole UTC days covering the range (the first from the midnight at or
    before `start_time`, the last to the midnight at or after `end_time`)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(DAY, **options)

    def bucket(self, start: int, end: int) -> dict[str, Any]:
        result = costs_result(value=round((start // DAY) % 97 * 1.25, 2))
        return {"object": "bucket", "start_time": start, "end_time": end, "results": [result]}

    def buckets(self, start: int, end: int) -> list[dict[str, Any]]:
        first = start - start % DAY
        last = math.ceil(end / DAY) * DAY
        return [self.bucket(day, day + DAY) for day in range(first, last, DAY)]


def _extra_after_end(count: int) -> Edit:
    def edit(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
        if not last or not data:
            return data
        tail = data[-1]["end_time"]
        width = data[-1]["end_time"] - data[-1]["start_time"]
        return data + [
            {"object": "bucket", "start_time": tail + i * width, "end_time": tail + (i + 1) * width, "results": []}
            for i in range(count)
        ]

    return edit


def _install(httpx_mock: HTTPXMock, api: FakeUsageAPI) -> FakeUsageAPI:
    httpx_mock.add_callback(api, is_reusable=True)
    return api


def _sync(client: UsageClient, concurrency: int, how: str, **params: Any) -> list[Any]:
    q = client.query(params.pop("endpoint", "completions"), **params).with_concurrency(concurrency)
    if how == "buckets":
        return list(q)
    if how == "rows":
        return list(q.rows())
    return list(q.to_dataframe().itertuples())


async def _async(client: AsyncUsageClient, concurrency: int, how: str, **params: Any) -> list[Any]:
    q = client.query(params.pop("endpoint", "completions"), **params).with_concurrency(concurrency)
    if how == "buckets":
        return [b async for b in q]
    if how == "rows":
        return [r async for r in q.rows()]
    return list((await q.to_dataframe()).itertuples())


HOW = ["buckets", "rows", "dataframe"]


@pytest.mark.parametrize("concurrency", CONCURRENCY)
@pytest.mark.parametrize("how", HOW)
def test_buckets_after_the_end_of_a_day_are_refused(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int, how: str
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _extra_after_end(3)))
    with pytest.raises(PaginationError, match="at or after the end of the range") as info:
        _sync(client, concurrency, how, start_time=NOV_1, end_time=NOV_1 + DAY, bucket_width="1h")
    assert info.value.resume is not None


@pytest.mark.parametrize("concurrency", CONCURRENCY)
@pytest.mark.parametrize("how", HOW)
def test_buckets_after_the_end_of_the_last_window_are_refused(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int, how: str
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _extra_after_end(3)))
    with pytest.raises(PaginationError, match=r"at or after the end of the range|more than the limit") as info:
        _sync(client, concurrency, how, start_time=NOV_1, end_time=MONTH, bucket_width="1h")
    assert info.value.resume is not None and info.value.resume.start_time >= NOV_1


@pytest.mark.parametrize("concurrency", CONCURRENCY)
@pytest.mark.parametrize("how", HOW)
async def test_async_buckets_after_the_end_are_refused(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock, concurrency: int, how: str
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _extra_after_end(3)))
    with pytest.raises(PaginationError, match=r"at or after the end of the range|more than the limit"):
        await _async(aclient, concurrency, how, start_time=NOV_1, end_time=MONTH, bucket_width="1h")


def test_buckets_after_now_are_refused_when_there_is_no_end(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    extra = _extra_after_end(3)
    _install(httpx_mock, EditingAPI(HOUR, lambda data, *rest: extra(_to_the_boundary(data, *rest), *rest)))
    start = (LATER // HOUR - 30) * HOUR
    with pytest.raises(PaginationError, match=r"at or after the end of the range .*\(now\)"):
        list(client.completions(start_time=start, bucket_width="1h"))


def test_a_page_with_more_buckets_than_the_limit_is_refused(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = FakeUsageAPI(HOUR)  # its buckets, served by a server that ignores `limit`

    def everything(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        return httpx.Response(200, json=page(api.buckets(int(params["start_time"]), int(params["end_time"]))))

    httpx_mock.add_callback(everything, is_reusable=True)
    with pytest.raises(PaginationError, match="723 buckets, more than the limit 168"):
        list(client.completions(start_time=NOV_1, end_time=NOV_1 + 723 * HOUR, bucket_width="1h").with_concurrency(1))


def _one_bucket(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
    return [{"object": "bucket", "start_time": start, "end_time": end, "results": data[0]["results"]}]


def _early_first(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
    data[0] = {**data[0], "start_time": data[0]["start_time"] - 10 * HOUR}
    return data


def _five_hours_in_the_middle(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
    merged = {**data[5], "end_time": data[9]["end_time"]}
    return [*data[:5], merged, *data[10:]]


@pytest.mark.parametrize("concurrency", CONCURRENCY)
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_one_bucket, "not one 1h bucket"),
        (_early_first, "it begins before the range"),
        (_five_hours_in_the_middle, "not one 1h bucket"),
    ],
)
def test_a_bucket_of_the_wrong_width_is_refused(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int, edit: Edit, message: str
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, edit))
    with pytest.raises(PaginationError, match=message) as info:
        list(
            client.completions(start_time=NOV_1, end_time=NOV_1 + DAY, bucket_width="1h").with_concurrency(concurrency)
        )
    assert info.value.resume is not None and info.value.resume.start_time == NOV_1


@pytest.mark.parametrize("how", HOW)
async def test_async_a_bucket_of_the_wrong_width_is_refused(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock, how: str
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _five_hours_in_the_middle))
    with pytest.raises(PaginationError, match="not one 1h bucket"):
        await _async(aclient, 8, how, start_time=NOV_1, end_time=MONTH, bucket_width="1h")


def _doubled(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
    return [{**b, "results": b["results"] * 2} for b in data]


@pytest.mark.parametrize("concurrency", CONCURRENCY)
@pytest.mark.parametrize("how", HOW)
def test_two_results_with_the_same_group_key_are_refused(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int, how: str
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _doubled))
    with pytest.raises(DecodeError, match="two results have the same group key") as info:
        _sync(client, concurrency, how, start_time=NOV_1, end_time=NOV_1 + DAY, bucket_width="1h", group_by=["model"])
    assert info.value.resume is not None


async def test_async_two_results_with_the_same_group_key_are_refused(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _doubled))
    with pytest.raises(DecodeError, match="two results have the same group key"):
        await _async(aclient, 8, "rows", start_time=NOV_1, end_time=MONTH, bucket_width="1h")


def test_results_that_differ_in_a_group_field_are_both_kept(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    def split(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
        return [{**b, "results": [completions_result(model="a"), completions_result(model="b")]} for b in data]

    _install(httpx_mock, EditingAPI(HOUR, split))
    rows = list(client.completions(start_time=NOV_1, end_time=NOV_1 + DAY, bucket_width="1h").rows())
    assert len(rows) == 48


# The live edges: nothing the live API sends may raise.


@pytest.mark.parametrize("concurrency", CONCURRENCY)
def test_costs_in_whole_days_from_the_midnight_before_an_unaligned_start(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int
) -> None:
    _install(httpx_mock, WholeDays())
    start, end = NOV_1 + 17 * HOUR + 31 * 60, NOV_1 + 400 * DAY + 5 * HOUR
    buckets = list(client.costs(start_time=start, end_time=end).with_concurrency(concurrency))
    starts = [b.start_time for b in buckets]
    assert starts == list(range(NOV_1, end, DAY))  # every day once, from the midnight before the start


async def test_async_costs_in_whole_days_equal_the_sequential_fetch(
    aclient: AsyncUsageClient, httpx_mock: HTTPXMock
) -> None:
    _install(httpx_mock, WholeDays())
    q = aclient.costs(start_time=NOV_1 + 12 * HOUR, end_time=NOV_1 + 400 * DAY)
    assert [r async for r in q.rows()] == [r async for r in q.with_concurrency(1).rows()]


def test_costs_whole_days_resume_without_gaps_or_duplicates(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    api = WholeDays(fail=lambda request, number: 500 if number == 3 else None)
    _install(httpx_mock, api)
    client_once = UsageClient(KEY, max_retries=0)
    q = client_once.costs(start_time=NOV_1 + 12 * HOUR, end_time=NOV_1 + 400 * DAY)
    got: list[Any] = []
    with pytest.raises(OaiUsageError) as info:
        for b in q:
            got.append(b)
    assert info.value.resume is not None
    got.extend(q.resume(info.value.resume))
    assert [b.start_time for b in got] == list(range(NOV_1, NOV_1 + 400 * DAY, DAY))
    client_once.close()


def _clip_last(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
    return data  # the fake already clips the last bucket at end_time (or at its now), as the live API does


@pytest.mark.parametrize("concurrency", CONCURRENCY)
def test_a_last_bucket_clipped_at_an_unaligned_end_passes(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _clip_last))
    end = MONTH - 17 * 60
    buckets = list(
        client.completions(start_time=NOV_1 + 77, end_time=end, bucket_width="1h").with_concurrency(concurrency)
    )
    assert (buckets[0].start_time, buckets[-1].end_time) == (NOV_1 + 77, end)


@pytest.mark.parametrize("concurrency", CONCURRENCY)
def test_a_last_bucket_ending_at_the_request_time_passes(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int
) -> None:
    api = _install(httpx_mock, FakeUsageAPI(HOUR, now=LATER - 7))  # a server clock 7 s behind ours
    start = (api.now // HOUR - 200) * HOUR
    buckets = list(client.completions(start_time=start, bucket_width="1h").with_concurrency(concurrency))
    assert buckets[-1].end_time == api.now and buckets[-1].end_time % HOUR


def _to_the_boundary(data: list[dict[str, Any]], start: int, end: int, last: bool) -> list[dict[str, Any]]:
    if last and data:
        tail = data[-1]
        data[-1] = {**tail, "end_time": tail["start_time"] - tail["start_time"] % HOUR + HOUR}
    return data


@pytest.mark.parametrize("concurrency", CONCURRENCY)
def test_a_last_bucket_running_to_the_boundary_after_the_end_is_tolerated(
    client: UsageClient, httpx_mock: HTTPXMock, concurrency: int
) -> None:
    _install(httpx_mock, EditingAPI(HOUR, _to_the_boundary))
    end = MONTH - 17 * 60
    buckets = list(client.completions(start_time=NOV_1, end_time=end, bucket_width="1h").with_concurrency(concurrency))
    assert buckets[-1].end_time == MONTH


def _sandbox_client(**options: Any) -> UsageClient:
    now = NOV_1 + 24 * DAY + 5 * HOUR + 17 * 60 + 3  # an unaligned "now", in the past
    http = httpx.Client(transport=SandboxTransport(SandboxConfig(now=now)))
    return UsageClient(
        KEY, base_url="http://127.0.0.1/v1", http_client=http, sleep=lambda _: None, clock=lambda: float(now), **options
    )


@pytest.mark.parametrize(("endpoint", "width"), [("costs", "1d"), ("completions", "1d"), ("completions", "1h")])
@pytest.mark.parametrize("end", [None, NOV_1 + 20 * DAY + 13 * HOUR + 7])
def test_the_sandbox_edges_pass_and_windows_equal_one_fetch(
    clean_env: pytest.MonkeyPatch, endpoint: str, width: str, end: int | None
) -> None:
    params: dict[str, Any] = {"start_time": NOV_1 - 40 * DAY + 17 * HOUR + 31 * 60, "bucket_width": width}
    if end is not None:
        params["end_time"] = end
    with _sandbox_client() as client:
        q = client.query(endpoint, **params)
        assert list(q.rows()) == list(q.with_concurrency(1).rows())
