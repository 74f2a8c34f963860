"""Resumable fetches: an error part way carries where to resume, and resuming yields exactly the rest."""

from __future__ import annotations

import json

import httpx
import pytest
from oai_usage import APIConnectionError, AsyncUsageClient, OaiUsageError, ResumePoint, UsageClient, ValidationError
from oai_usage.resume import query_id
from pytest_httpx import HTTPXMock

from tests.overlay.fakeapi import FakeUsageAPI
from tests.overlay.payloads import DAY, HOUR, LATER, NOV_1

pytestmark = pytest.mark.wall_clock(LATER)  # the month fetched is in the past

MONTH_END = NOV_1 + 30 * DAY
THIRD_WINDOW = NOV_1 + 2 * 168 * HOUR


def _fail_window_once(start: int) -> object:
    """Fail every request for the window starting at `start` until one request elsewhere has succeeded after it."""
    state = {"failed": False}

    def fail(request: httpx.Request, _: int) -> int | None:
        if request.url.params["start_time"] == str(start) and not state["failed"]:
            state["failed"] = True
            return 500
        return None

    return fail


def _api(httpx_mock: HTTPXMock, **options: object) -> FakeUsageAPI:
    api = FakeUsageAPI(HOUR, **options)  # type: ignore[arg-type]
    httpx_mock.add_callback(api, is_reusable=True)
    return api


@pytest.fixture
def no_retry_client(clean_env: pytest.MonkeyPatch) -> object:
    with UsageClient("sk-admin-resume-tests-0000000000000000", max_retries=0) as client:
        yield client


def _collect_until_error(iterable: object) -> tuple[list[object], OaiUsageError]:
    delivered: list[object] = []
    try:
        for item in iterable:  # type: ignore[attr-defined]
            delivered.append(item)
    except OaiUsageError as exc:
        return delivered, exc
    raise AssertionError("the fetch did not fail")


@pytest.mark.parametrize("concurrency", [1, 4])
def test_the_error_says_where_to_resume(no_retry_client: UsageClient, httpx_mock: HTTPXMock, concurrency: int) -> None:
    _api(httpx_mock, fail=lambda _, n: 500 if n == 3 else None)
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    delivered, error = _collect_until_error(q.with_concurrency(concurrency))
    assert error.resume is not None
    assert error.resume.buckets_delivered == len(delivered)
    expected = delivered[-1].end_time if delivered else NOV_1  # type: ignore[attr-defined]
    assert error.resume.start_time == expected


@pytest.mark.parametrize("concurrency", [1, 4])
def test_resuming_yields_exactly_the_remaining_buckets(
    no_retry_client: UsageClient, httpx_mock: HTTPXMock, concurrency: int
) -> None:
    _api(
        httpx_mock, fail=_fail_window_once(THIRD_WINDOW) if concurrency > 1 else (lambda _, n: 500 if n == 3 else None)
    )
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h").with_concurrency(
        concurrency
    )
    delivered, error = _collect_until_error(q)
    assert error.resume is not None
    rest = list(q.resume(error.resume))
    assert [b.start_time for b in delivered + rest] == list(range(NOV_1, MONTH_END, HOUR))  # type: ignore[attr-defined]


def test_a_resume_point_survives_json(no_retry_client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock, fail=_fail_window_once(THIRD_WINDOW))
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    delivered, error = _collect_until_error(q)
    assert error.resume is not None
    saved = json.loads(json.dumps(error.resume.to_dict()))
    assert ResumePoint.from_dict(saved) == error.resume
    assert len(delivered) + len(list(q.resume(saved))) == 720


def test_a_second_failure_counts_what_both_runs_delivered(no_retry_client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock, fail=lambda _, n: 500 if n in (2, 4) else None)
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h").with_concurrency(1)
    first, error = _collect_until_error(q)
    assert error.resume is not None
    second, again = _collect_until_error(q.resume(error.resume))
    assert again.resume is not None
    assert again.resume.buckets_delivered == len(first) + len(second)
    rest = list(q.resume(again.resume))
    assert len(first) + len(second) + len(rest) == 720


def test_resuming_a_finished_range_yields_nothing_and_sends_nothing(
    no_retry_client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    point = ResumePoint("completions", query_id(q._query), MONTH_END, 720, 5)
    assert list(q.resume(point)) == []
    assert httpx_mock.get_requests() == []


def test_a_resume_point_of_another_query_is_refused(no_retry_client: UsageClient) -> None:
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    other = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h", models=["gpt-4o"])
    point = ResumePoint("completions", query_id(other._query), NOV_1 + DAY, 24, 1)
    with pytest.raises(ValidationError, match="another query"):
        q.resume(point)


def test_a_resume_point_outside_the_range_is_refused(no_retry_client: UsageClient) -> None:
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    point = ResumePoint("completions", query_id(q._query), MONTH_END + HOUR, 0, 0)
    with pytest.raises(ValidationError, match="outside the query's range"):
        q.resume(point)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"endpoint": "completions"},
        {"endpoint": "x", "query_id": "y", "start_time": "1", "buckets_delivered": 0, "pages_delivered": 0},
    ],
)
def test_something_that_is_not_a_resume_point_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="not a resume point"):
        ResumePoint.from_dict(data)


def test_a_connection_failure_also_carries_a_resume_point(no_retry_client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError("refused"), is_reusable=True)
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    with pytest.raises(APIConnectionError) as caught:
        list(q)
    assert caught.value.resume is not None
    assert (caught.value.resume.start_time, caught.value.resume.buckets_delivered) == (NOV_1, 0)


def test_rows_resume_too(no_retry_client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _api(httpx_mock, fail=_fail_window_once(THIRD_WINDOW))
    q = no_retry_client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
    delivered, error = _collect_until_error(q.rows())
    assert error.resume is not None
    assert delivered + list(q.resume(error.resume).rows()) == list(q.rows())


async def test_async_resuming_yields_exactly_the_remaining_buckets(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    _api(httpx_mock, fail=_fail_window_once(THIRD_WINDOW))
    async with AsyncUsageClient("sk-admin-resume-tests-0000000000000000", max_retries=0) as client:
        q = client.completions(start_time=NOV_1, end_time=MONTH_END, bucket_width="1h")
        delivered = []
        with pytest.raises(OaiUsageError) as caught:
            async for b in q:
                delivered.append(b)
        assert caught.value.resume is not None
        rest = [b async for b in q.resume(caught.value.resume)]
    assert [b.start_time for b in delivered + rest] == list(range(NOV_1, MONTH_END, HOUR))
