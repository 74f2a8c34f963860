"""The client's "now" is the server's: learned from each response's `Date` header, and used by the page guards."""

from __future__ import annotations

import itertools
import logging
from email.utils import formatdate

import httpx
import pytest
from oai_usage import UsageClient, ValidationError
from oai_usage.clock import ServerClock, parse_http_date
from oai_usage.errors import AuthenticationError, PaginationError
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import DAY, KEY, NOV_1, NOV_24

HOUR = 3600
BASE = "https://api.openai.com/v1"


def _date(seconds: float) -> dict[str, str]:
    return {"date": formatdate(seconds, usegmt=True)}


def _page(buckets: list[tuple[int, int]]) -> dict[str, object]:
    data = [{"object": "bucket", "start_time": s, "end_time": e, "results": []} for s, e in buckets]
    return {"object": "page", "data": data, "has_more": False, "next_page": None}


def _hours(start: int, stop: int) -> list[tuple[int, int]]:
    """Hourly buckets from `start` to `stop`, the last clipped at `stop`."""
    edges = [*range(start, stop, HOUR), stop]
    return list(itertools.pairwise(edges))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Tue, 24 Nov 2026 15:30:00 GMT", NOV_24 + 15 * HOUR + 30 * 60),
        ("Tuesday, 24-Nov-26 15:30:00 GMT", NOV_24 + 15 * HOUR + 30 * 60),  # RFC 850, still to be accepted
        ("Tue Nov 24 15:30:00 2026", None),  # asctime has no zone: not read as GMT here
        ("yesterday", None),
        ("", None),
        ("Tue, 24 Nov 2026 15:30:00 GMT" + " " * 100, None),  # over-long: never parsed
        ("Fri, 31 Dec 99999 23:59:59 GMT", None),
    ],
)
def test_an_http_date_is_read_as_gmt_or_not_at_all(header: str, expected: int | None) -> None:
    assert parse_http_date(header) == expected


def test_the_offset_is_learned_from_the_date_header() -> None:
    clock = ServerClock(lambda: 1_000_000.0)
    assert clock.observe(_date(1_000_000 - 3720)) == 1_000_000 - 3720
    assert clock.now() == pytest.approx(1_000_000 - 3720 + 0.5)
    assert clock.observed


def test_a_difference_within_the_header_resolution_is_no_skew() -> None:
    clock = ServerClock(lambda: 1_000_000.7)
    clock.observe(_date(1_000_000))
    assert clock.offset == 0.0


def test_a_response_without_a_usable_date_changes_nothing() -> None:
    clock = ServerClock(lambda: 1_000_000.0)
    clock.observe(_date(1_000_000 + 600))
    clock.observe({"date": "not a date"})
    clock.observe({})
    assert clock.now() == pytest.approx(1_000_600.5)


def test_a_large_skew_is_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="oai_usage")
    clock = ServerClock(lambda: 1_000_000.0)
    for _ in range(3):
        clock.observe(_date(1_000_000 - 3725))
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == ["the server's clock is behind ours by 1 h 2 min 4 s; times follow the server's clock"]


def test_a_small_skew_is_not_worth_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="oai_usage")
    ServerClock(lambda: 1_000_000.0).observe(_date(1_000_000 + 120))
    assert caplog.records == []


def test_the_client_reads_only_its_injected_clock(clean_env: pytest.MonkeyPatch) -> None:
    with UsageClient(KEY, clock=lambda: float(NOV_24)) as client:
        assert client.now().timestamp() == NOV_24


def test_an_open_range_with_the_server_behind_accepts_the_bucket_clipped_at_its_now(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    ours = NOV_24 + 15 * HOUR + 1800
    server = ours - 5  # five seconds behind: the last bucket ends at the server's now, before ours
    httpx_mock.add_response(json=_page(_hours(NOV_24, server)), headers=_date(server))
    with UsageClient(KEY, clock=lambda: float(ours)) as client:
        buckets = list(client.completions(start_time=NOV_24, end_time=ours, bucket_width="1h"))
        assert buckets[-1].end_time == server
        assert client.clock.offset == pytest.approx(-4.5)


def test_an_end_past_the_server_now_accepts_the_bucket_clipped_an_hour_back(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    ours = NOV_24 + 15 * HOUR + 1800
    server = ours - 3720
    httpx_mock.add_response(json=_page(_hours(NOV_24, server)), headers=_date(server))
    with UsageClient(KEY, clock=lambda: float(ours)) as client:
        buckets = list(client.completions(start_time=NOV_24, end_time=ours, bucket_width="1h"))
    assert buckets[-1].end_time == server


def test_a_range_in_the_server_past_still_must_be_served_whole(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    """Our clock being behind does not excuse a short last page: the server's Date says the end is long past."""
    end = NOV_24
    server = NOV_24 + 2 * DAY
    httpx_mock.add_response(json=_page(_hours(NOV_24 - DAY, NOV_24 - 5 * HOUR)), headers=_date(server))
    with UsageClient(KEY, clock=lambda: float(NOV_24 - DAY)) as client, pytest.raises(PaginationError, match="before"):
        list(client.completions(start_time=NOV_24 - DAY, end_time=end, bucket_width="1h"))


def test_a_bucket_clipped_long_before_the_server_now_is_refused(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    server = NOV_24 + 15 * HOUR + 1800
    httpx_mock.add_response(json=_page(_hours(NOV_24, NOV_24 + 10 * HOUR + 7)), headers=_date(server))
    with UsageClient(KEY, clock=lambda: float(server)) as client, pytest.raises(PaginationError, match="not one 1h"):
        list(client.completions(start_time=NOV_24, end_time=NOV_24 + DAY, bucket_width="1h"))


def test_a_range_starting_after_the_server_now_is_a_validation_error(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    server = NOV_24
    httpx_mock.add_response(json=_page([]), headers=_date(server))
    client = UsageClient(KEY, clock=lambda: float(server + 3 * DAY))
    with client, pytest.raises(ValidationError, match="starts after the server's now") as caught:
        list(client.completions(start_time=server + DAY, end_time=server + 2 * DAY))
    assert caught.value.param == "start_time"


def test_sync_clock_asks_once_and_then_uses_the_offset(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    ours = NOV_24 + 15 * HOUR
    httpx_mock.add_response(json=_page([(NOV_24 - DAY, NOV_24)]), headers=_date(ours + 3600))
    with UsageClient(KEY, clock=lambda: float(ours)) as client:
        first = client.sync_clock()
        second = client.sync_clock()
    assert first == second
    assert first.timestamp() == pytest.approx(ours + 3600.5)
    (request,) = httpx_mock.get_requests()
    assert request.url.path.endswith("/organization/costs")
    assert request.url.params["limit"] == "1"


def test_sync_clock_raises_for_a_wrong_key(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    body = {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": None}}
    httpx_mock.add_response(status_code=401, json=body, headers=_date(NOV_24))
    with UsageClient(KEY, clock=lambda: float(NOV_24)) as client, pytest.raises(AuthenticationError):
        client.sync_clock()


def test_sync_clock_ignores_a_refused_probe_that_stated_the_time(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    """A local clock a year ahead asks for a day the server has not reached; its answer still says the time."""
    body = {"error": {"message": "start_time is in the future", "type": "invalid_request_error", "param": "start_time"}}
    httpx_mock.add_response(status_code=400, json=body, headers=_date(NOV_24))
    with UsageClient(KEY, clock=lambda: float(NOV_24 + 365 * DAY)) as client:
        assert client.sync_clock().timestamp() == pytest.approx(NOV_24 + 0.5)


def test_retry_after_as_a_date_counts_from_the_server_clock(
    clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    """A server an hour behind asking to wait until 10 s after its now: the wait is 10 s, not zero."""
    ours = NOV_1 + 10 * DAY
    server = ours - 3600
    headers = {**_date(server), "retry-after": formatdate(server + 10, usegmt=True)}
    httpx_mock.add_response(status_code=429, json={"error": {"message": "slow down"}}, headers=headers)
    httpx_mock.add_response(json=_page([(NOV_1, NOV_1 + DAY)]), headers=_date(server + 10))
    waits: list[float] = []
    with UsageClient(KEY, clock=lambda: float(ours), sleep=waits.append) as client:
        list(client.completions(start_time=NOV_1, end_time=NOV_1 + DAY))
    assert waits == [pytest.approx(9.5, abs=0.6)]


def test_the_transport_error_path_keeps_the_local_clock(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError("refused"), is_reusable=True)
    with UsageClient(KEY, clock=lambda: float(NOV_24), max_retries=0) as client:
        with pytest.raises(Exception, match="refused"):
            client.sync_clock()
        assert client.now().timestamp() == NOV_24 and not client.clock.observed


def test_a_date_more_than_a_year_away_is_not_believed(caplog: pytest.LogCaptureFixture) -> None:
    """A hostile `Date` (the year 9999) would stretch an open range over millennia of windows: it is ignored."""
    caplog.set_level(logging.WARNING, logger="oai_usage")
    clock = ServerClock(lambda: float(NOV_24))
    for _ in range(2):
        assert clock.observe({"date": "Fri, 31 Dec 9998 23:59:59 GMT"}) is None
    assert clock.now() == NOV_24 and not clock.observed
    assert [r.getMessage() for r in caplog.records] == [
        "the server's Date (Fri, 31 Dec 9998 23:59:59 GMT) is more than a year from our clock; it is ignored"
    ]


def test_an_open_range_is_not_stretched_by_a_hostile_date(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=_page([(NOV_24 - DAY, NOV_24)]), headers={"date": "Fri, 31 Dec 9998 23:59:59 GMT"})
    with UsageClient(KEY, clock=lambda: float(NOV_24 + 60)) as client:
        client.sync_clock()
        assert client.completions(start_time=NOV_1).planned_pages == 1
