"""Auto-pagination: every page in order, cursors URL-encoded, the largest limit by default, and its guards."""

from __future__ import annotations

import pytest
from oai_usage import PaginationError, UsageClient
from oai_usage.endpoints import COMPLETIONS, COSTS
from oai_usage.pagination import automatic_page_cap
from oai_usage.validation import validate
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import (
    BASE,
    CURSOR_2,
    CURSOR_3,
    DAY,
    HOUR,
    KEY,
    MINUTE,
    NOV_1,
    bucket,
    completions_result,
    costs_result,
    days,
    page,
)

COSTS_URL = f"{BASE}/organization/costs"
END = NOV_1 + 9 * DAY


def _three_pages(httpx_mock: HTTPXMock) -> None:
    base = {"start_time": str(NOV_1), "end_time": str(END), "limit": "180"}
    httpx_mock.add_response(url=COSTS_URL, match_params=base, json=page(days(NOV_1, 3, [costs_result()]), CURSOR_2))
    httpx_mock.add_response(
        url=COSTS_URL,
        match_params={**base, "page": CURSOR_2},
        json=page(days(NOV_1 + 3 * DAY, 3, [costs_result()]), CURSOR_3),
    )
    httpx_mock.add_response(
        url=COSTS_URL, match_params={**base, "page": CURSOR_3}, json=page(days(NOV_1 + 6 * DAY, 3, [costs_result()]))
    )


def test_iterating_yields_every_bucket_of_every_page_in_time_order(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _three_pages(httpx_mock)
    starts = [b.start_time for b in client.costs(start_time=NOV_1, end_time=END)]
    assert starts == [NOV_1 + i * DAY for i in range(9)]


def test_cursors_are_sent_back_url_encoded(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    _three_pages(httpx_mock)
    list(client.costs(start_time=NOV_1, end_time=END))
    queries = [r.url.query.decode() for r in httpx_mock.get_requests()]
    assert "page" not in queries[0]
    assert queries[1].endswith("&page=page_AAAAAGkFTwAAAAAAaQagAA%2B%2F%3D%3D")
    assert queries[2].endswith("&page=page_AAAAAGkGoIAAAAAAaQfx%2BA%3D%3D")


def test_pages_are_numbered_and_carry_cursor_and_request_id(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1), CURSOR_2), headers={"x-request-id": "req_a"})
    httpx_mock.add_response(json=page(days(NOV_1 + DAY, 1)), headers={"x-request-id": "req_b"})
    pages = list(client.costs(start_time=NOV_1, end_time=NOV_1 + 2 * DAY).pages())
    assert [(p.number, p.next_page, p.has_more, p.request_id) for p in pages] == [
        (1, CURSOR_2, True, "req_a"),
        (2, None, False, "req_b"),
    ]


@pytest.mark.parametrize(
    ("endpoint", "width", "limit"),
    [
        ("completions", None, "31"),
        ("completions", "1d", "31"),
        ("embeddings", "1h", "168"),
        ("images", "1m", "1440"),
        ("costs", None, "180"),
        ("costs", "1d", "180"),
    ],
)
def test_without_a_limit_the_largest_for_the_width_is_sent(
    client: UsageClient, httpx_mock: HTTPXMock, endpoint: str, width: str | None, limit: str
) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1, width=60)]))
    list(client.query(endpoint, start_time=NOV_1, end_time=NOV_1 + 60, bucket_width=width))
    assert httpx_mock.get_requests()[0].url.params["limit"] == limit


def test_a_given_limit_is_sent_as_is(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1, width=HOUR)]))
    list(client.completions(start_time=NOV_1, end_time=NOV_1 + HOUR, bucket_width="1h", limit=168))
    assert httpx_mock.get_requests()[0].url.params["limit"] == "168"


def test_parameters_go_out_in_the_api_encoding(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1, [completions_result()])))
    list(
        client.completions(
            start_time="2026-11-01",
            end_time="2026-11-02T00:00:00Z",
            group_by=["model", "project_id"],
            batch=False,
            project_ids=("proj_a", "proj_b"),
        )
    )
    params = httpx_mock.get_requests()[0].url.params
    assert params.get_list("group_by") == ["model", "project_id"]
    assert params.get_list("project_ids") == ["proj_a", "proj_b"]
    assert (params["start_time"], params["end_time"], params["batch"]) == (str(NOV_1), str(NOV_1 + DAY), "false")


def test_nothing_is_sent_until_the_query_is_iterated(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    query = client.costs(start_time=NOV_1)
    assert httpx_mock.get_requests() == []
    httpx_mock.add_response(json=page(days(NOV_1, 1)))
    assert len(list(query)) == 1


def test_each_iteration_runs_the_query_again(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 2)), is_reusable=True)
    query = client.costs(start_time=NOV_1, end_time=NOV_1 + 2 * DAY)
    assert len(list(query)) == len(list(query)) == 2
    assert len(httpx_mock.get_requests()) == 2


def test_has_more_false_ends_the_query_even_with_a_cursor(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1), next_page=CURSOR_2, has_more=False))
    assert len(list(client.costs(start_time=NOV_1))) == 1
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("cursor", [None, ""])
def test_has_more_without_a_cursor_is_a_pagination_error(
    client: UsageClient, httpx_mock: HTTPXMock, cursor: str | None
) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1), next_page=cursor, has_more=True))
    with pytest.raises(PaginationError, match="page 1 says has_more but gives no next_page cursor") as info:
        list(client.costs(start_time=NOV_1))
    assert (info.value.endpoint, info.value.pages) == ("costs", 1)


def test_a_repeated_cursor_is_a_pagination_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1), CURSOR_2))
    httpx_mock.add_response(json=page(days(NOV_1 + DAY, 1), CURSOR_2))
    with pytest.raises(PaginationError, match="page 2 repeats the cursor") as info:
        list(client.costs(start_time=NOV_1, end_time=NOV_1 + 5 * DAY))
    assert info.value.pages == 2


def test_passing_the_page_cap_is_a_pagination_error(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 1), CURSOR_2))
    httpx_mock.add_response(json=page(days(NOV_1 + DAY, 1), CURSOR_3))
    with UsageClient(KEY, max_pages=2) as client, pytest.raises(PaginationError, match="more than 2 pages"):
        list(client.costs(start_time=NOV_1, end_time=NOV_1 + 5 * DAY))
    assert len(httpx_mock.get_requests()) == 2


def test_the_automatic_cap_stops_a_server_that_never_finishes(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    for n in range(4):  # a 2-day range can never need more than 2 + 2 pages (empty ones, each with a new cursor)
        httpx_mock.add_response(json=page([], next_page=f"page_{n}"))
    with pytest.raises(PaginationError, match="more than 4 pages"):
        list(client.costs(start_time=NOV_1, end_time=NOV_1 + 2 * DAY))


def test_the_automatic_cap_is_the_bucket_count_plus_two() -> None:
    assert automatic_page_cap(validate(COSTS, {"start_time": NOV_1, "end_time": NOV_1 + 31 * DAY}), now=0) == 33
    assert (
        automatic_page_cap(
            validate(COMPLETIONS, {"start_time": NOV_1, "end_time": NOV_1 + DAY, "bucket_width": "1h"}), now=0
        )
        == 26
    )


def test_the_automatic_cap_of_an_open_range_runs_to_now() -> None:
    query = validate(COMPLETIONS, {"start_time": NOV_1, "bucket_width": "1m"})
    assert automatic_page_cap(query, now=NOV_1 + 90 * 60 + 1) == 91 + 2


def test_buckets_that_go_back_in_time_are_a_pagination_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 2), CURSOR_2))
    httpx_mock.add_response(json=page(days(NOV_1 + DAY, 2)))  # overlaps: the cursor rewound by a day
    with pytest.raises(PaginationError, match="buckets repeat or go back in time"):
        list(client.costs(start_time=NOV_1, end_time=NOV_1 + 3 * DAY))


def test_unknown_results_are_reset_when_the_query_runs_again(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    stranger = {"object": "organization.usage.brand_new.result", "units": 3}
    httpx_mock.add_response(json=page([bucket(NOV_1, [stranger])]))
    httpx_mock.add_response(json=page([bucket(NOV_1)]))
    query = client.costs(start_time=NOV_1)
    list(query)
    assert len(query.unknown_results) == 1
    list(query)
    assert query.unknown_results == []


# --- no silent partial data: the buckets must tile the range -------------------------------------------------


def test_a_server_that_stops_short_is_an_error_not_a_partial_answer(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=COSTS_URL, match_params={"start_time": str(NOV_1), "end_time": str(END),
                            "limit": "180"}, json=page(days(NOV_1, 7, [costs_result()])))  # fmt: skip
    with pytest.raises(PaginationError, match="stop at 2026-11-08T00:00:00Z, before the end of the range") as caught:
        list(client.costs(start_time=NOV_1, end_time=END))
    assert caught.value.resume is not None and caught.value.resume.start_time == NOV_1


def test_a_gap_between_buckets_is_an_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    buckets = [*days(NOV_1, 3), *days(NOV_1 + 4 * DAY, 5)]
    httpx_mock.add_response(url=COSTS_URL, match_params={"start_time": str(NOV_1), "end_time": str(END),
                            "limit": "180"}, json=page(buckets))  # fmt: skip
    with pytest.raises(PaginationError, match="gap: a bucket ends at 2026-11-04T00:00:00Z and the next starts"):
        list(client.costs(start_time=NOV_1, end_time=END))


def test_a_first_bucket_after_the_start_is_an_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=COSTS_URL, match_params={"start_time": str(NOV_1), "end_time": str(END),
                            "limit": "180"}, json=page(days(NOV_1 + DAY, 8)))  # fmt: skip
    with pytest.raises(PaginationError, match="not at the start of the range"):
        list(client.costs(start_time=NOV_1, end_time=END))


def test_a_partial_first_bucket_holding_the_start_is_accepted(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    start = NOV_1 + 5 * HOUR
    first = {"object": "bucket", "start_time": start, "end_time": NOV_1 + DAY, "results": []}
    httpx_mock.add_response(url=COSTS_URL, match_params={"start_time": str(start), "end_time": str(END),
                            "limit": "180"}, json=page([first, *days(NOV_1 + DAY, 8)]))  # fmt: skip
    assert len(list(client.costs(start_time=start, end_time=END))) == 9


def test_an_open_range_may_end_where_the_server_says(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=COSTS_URL, match_params={"start_time": str(NOV_1), "limit": "180"},
                            json=page(days(NOV_1, 2)))  # fmt: skip
    assert len(list(client.costs(start_time=NOV_1).with_concurrency(1))) == 2


def test_a_range_ending_in_the_future_may_stop_at_now(
    client: UsageClient, httpx_mock: HTTPXMock, pinned_wall_clock: int
) -> None:
    future = 4_102_444_800  # 2100-01-01
    start = pinned_wall_clock - pinned_wall_clock % DAY - 2 * DAY
    httpx_mock.add_response(json=page(days(start, 3)))  # up to the end of the day in progress, not to 2100
    assert len(list(client.costs(start_time=start, end_time=future).with_concurrency(1))) == 3


COMPLETIONS_URL = f"{BASE}/organization/usage/completions"


def _usage_from(httpx_mock: HTTPXMock, first_start: int, start: int) -> None:
    first = {"object": "bucket", "start_time": first_start, "end_time": NOV_1 + DAY, "results": []}
    httpx_mock.add_response(url=COMPLETIONS_URL, match_params={"start_time": str(start), "end_time": str(END),
                            "limit": "31"}, json=page([first, *days(NOV_1 + DAY, 8)]))  # fmt: skip


def test_a_usage_first_bucket_at_the_start_rounded_down_to_the_minute_is_accepted(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    start = NOV_1 + 5 * HOUR + 59  # the live API starts this bucket at NOV_1 + 5 h (the cookbook's saved output)
    _usage_from(httpx_mock, NOV_1 + 5 * HOUR, start)
    assert len(list(client.completions(start_time=start, end_time=END))) == 9


def test_a_usage_first_bucket_a_minute_before_the_start_is_refused(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    start = NOV_1 + 5 * HOUR + 59
    _usage_from(httpx_mock, NOV_1 + 5 * HOUR - MINUTE, start)
    with pytest.raises(PaginationError, match="it begins before the range"):
        list(client.completions(start_time=start, end_time=END))


def test_a_usage_first_bucket_before_the_start_off_the_minute_is_refused(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    start = NOV_1 + 5 * HOUR + 59
    _usage_from(httpx_mock, NOV_1 + 5 * HOUR + 30, start)
    with pytest.raises(PaginationError, match="it begins before the range"):
        list(client.completions(start_time=start, end_time=END))
