"""Every argument rule is checked before anything is sent: a ValidationError naming the parameter, no request."""

from __future__ import annotations

from typing import Any

import pytest
from oai_usage import OaiUsageError, UsageClient, ValidationError
from oai_usage.endpoints import ENDPOINTS
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import NOV_1, NOV_24

USAGE = [name for name in ENDPOINTS if name != "costs"]
ALL = list(ENDPOINTS)
ALL_GROUP_BY = sorted({value for ep in ENDPOINTS.values() for value in ep.group_by})


def rejected(client: UsageClient, httpx_mock: HTTPXMock, endpoint: str, **kwargs: Any) -> ValidationError:
    """The ValidationError for this call, after checking that no request went out."""
    with pytest.raises(ValidationError) as info:
        client.query(endpoint, **kwargs)
    assert httpx_mock.get_requests() == []
    return info.value


@pytest.mark.parametrize("endpoint", ALL)
def test_missing_start_time_is_rejected(client: UsageClient, httpx_mock: HTTPXMock, endpoint: str) -> None:
    error = rejected(client, httpx_mock, endpoint, end_time=NOV_24)
    assert error.param == "start_time"
    assert "start_time is required" in str(error)


def test_start_time_none_counts_as_missing(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    assert rejected(client, httpx_mock, "completions", start_time=None).param == "start_time"


@pytest.mark.parametrize("endpoint", ALL)
def test_end_time_equal_to_start_time_is_rejected(client: UsageClient, httpx_mock: HTTPXMock, endpoint: str) -> None:
    error = rejected(client, httpx_mock, endpoint, start_time=NOV_1, end_time=NOV_1)
    assert error.param == "end_time"
    assert "must be after start_time" in str(error)


def test_end_time_before_start_time_is_rejected_with_both_times(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    error = rejected(client, httpx_mock, "costs", start_time="2026-11-24", end_time="2026-11-01")
    assert str(error) == "costs: end_time (2026-11-01T00:00:00Z) must be after start_time (2026-11-24T00:00:00Z)"


@pytest.mark.parametrize("value", ["yesterday", "", 1.5, True, -1, [2026, 11, 1]])
def test_start_time_in_an_unaccepted_form_is_rejected(client: UsageClient, httpx_mock: HTTPXMock, value: Any) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=value)
    assert error.param == "start_time"


def test_end_time_in_an_unaccepted_form_names_end_time(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, end_time="24/11/2026")
    assert error.param == "end_time"
    assert "ISO 8601" in str(error)


@pytest.mark.parametrize("endpoint", USAGE)
def test_usage_bucket_width_outside_1m_1h_1d_is_rejected(
    client: UsageClient, httpx_mock: HTTPXMock, endpoint: str
) -> None:
    error = rejected(client, httpx_mock, endpoint, start_time=NOV_1, bucket_width="1w")
    assert error.param == "bucket_width"
    assert "allowed: 1d, 1h, 1m" in str(error)


@pytest.mark.parametrize("width", ["1h", "1m"])
def test_costs_accepts_only_daily_buckets(client: UsageClient, httpx_mock: HTTPXMock, width: str) -> None:
    error = rejected(client, httpx_mock, "costs", start_time=NOV_1, bucket_width=width)
    assert str(error) == f"costs: bucket_width '{width}' is not allowed; allowed: 1d"


@pytest.mark.parametrize(
    ("endpoint", "width", "limit", "maximum"),
    [
        ("completions", "1d", 0, 31),
        ("completions", "1d", 32, 31),
        ("embeddings", "1h", 0, 168),
        ("embeddings", "1h", 169, 168),
        ("images", "1m", 0, 1440),
        ("images", "1m", 1441, 1440),
        ("costs", "1d", 0, 180),
        ("costs", "1d", 181, 180),
    ],
)
def test_limit_outside_1_to_the_width_maximum_is_rejected(
    client: UsageClient, httpx_mock: HTTPXMock, endpoint: str, width: str, limit: int, maximum: int
) -> None:
    error = rejected(client, httpx_mock, endpoint, start_time=NOV_1, bucket_width=width, limit=limit)
    assert error.param == "limit"
    assert str(error).endswith(f"not allowed with bucket_width {width}; allowed: 1 to {maximum}")


def test_limit_maximum_follows_the_server_default_width_when_none_is_given(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, limit=168)
    assert "with bucket_width 1d; allowed: 1 to 31" in str(error)


@pytest.mark.parametrize("limit", ["31", 7.0, True])
def test_limit_must_be_an_int(client: UsageClient, httpx_mock: HTTPXMock, limit: Any) -> None:
    assert rejected(client, httpx_mock, "completions", start_time=NOV_1, limit=limit).param == "limit"


@pytest.mark.parametrize("endpoint", ALL)
def test_group_by_value_the_endpoint_does_not_support_is_rejected(
    client: UsageClient, httpx_mock: HTTPXMock, endpoint: str
) -> None:
    allowed = ENDPOINTS[endpoint].group_by
    unsupported = next(value for value in ALL_GROUP_BY if value not in allowed)
    error = rejected(client, httpx_mock, endpoint, start_time=NOV_1, group_by=["project_id", unsupported])
    assert error.param == "group_by"
    assert f"group_by value '{unsupported}' is not supported by this endpoint; allowed: {', '.join(allowed)}" in str(
        error
    )


@pytest.mark.parametrize(
    ("endpoint", "name", "value"),
    [
        ("images", "sizes", "2048x2048"),
        ("images", "sources", "image.upscale"),
        ("web_search_calls", "context_levels", "max"),
    ],
)
def test_unknown_enum_value_in_a_filter_is_rejected(
    client: UsageClient, httpx_mock: HTTPXMock, endpoint: str, name: str, value: str
) -> None:
    error = rejected(client, httpx_mock, endpoint, start_time=NOV_1, **{name: [value]})
    assert error.param == name
    assert f"{name} value '{value}' is not allowed; allowed: " in str(error)


@pytest.mark.parametrize("name", ["project_ids", "group_by", "models"])
def test_empty_list_is_rejected_because_the_api_would_read_it_as_everything(
    client: UsageClient, httpx_mock: HTTPXMock, name: str
) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, **{name: []})
    assert error.param == name
    assert "is empty; leave it out to include everything" in str(error)


@pytest.mark.parametrize("item", ["", "   "])
def test_empty_string_list_item_is_rejected(client: UsageClient, httpx_mock: HTTPXMock, item: str) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, models=["gpt-4o", item])
    assert error.param == "models"
    assert "must not be empty" in str(error)


@pytest.mark.parametrize("item", [7, None, b"proj_1"])
def test_non_string_list_item_is_rejected(client: UsageClient, httpx_mock: HTTPXMock, item: Any) -> None:
    error = rejected(client, httpx_mock, "costs", start_time=NOV_1, project_ids=["proj_Ab12Cd34Ef56Gh78", item])
    assert error.param == "project_ids"
    assert "items must be strings" in str(error)


@pytest.mark.parametrize("value", ["model", {"model": True}, 3])
def test_list_parameter_given_something_other_than_a_list_is_rejected(
    client: UsageClient, httpx_mock: HTTPXMock, value: Any
) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, group_by=value)
    assert "group_by must be a list of one or more of:" in str(error)


def test_batch_must_be_a_bool(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, batch="true")
    assert error.param == "batch"
    assert "must be True or False" in str(error)


def test_unknown_keyword_argument_is_rejected_with_a_suggestion(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    error = rejected(client, httpx_mock, "completions", start_time=NOV_1, groupby=["model"])
    assert error.param == "groupby"
    assert "unknown parameter 'groupby' (did you mean group_by?); allowed: start_time, end_time" in str(error)


@pytest.mark.parametrize(
    ("endpoint", "name"),
    [("vector_stores", "models"), ("embeddings", "batch"), ("completions", "line_items"), ("costs", "user_ids")],
)
def test_a_filter_of_another_endpoint_is_an_unknown_argument(
    client: UsageClient, httpx_mock: HTTPXMock, endpoint: str, name: str
) -> None:
    error = rejected(client, httpx_mock, endpoint, start_time=NOV_1, **{name: ["x"]})
    assert error.param == name
    assert "unknown parameter" in str(error)


def test_page_cursor_is_refused_because_the_client_pages_itself(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    error = rejected(client, httpx_mock, "costs", start_time=NOV_1, page="page_AAAA")
    assert "follows next_page itself" in str(error)


def test_typed_method_reports_unknown_argument_as_validation_error_not_type_error(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(ValidationError, match="unknown parameter 'project'"):
        client.completions(start_time=NOV_1, project=["proj_Ab12Cd34Ef56Gh78"])  # type: ignore[call-arg]
    assert httpx_mock.get_requests() == []


def test_validation_error_is_a_value_error_and_an_oai_usage_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    error = rejected(client, httpx_mock, "costs")
    assert isinstance(error, ValueError)
    assert isinstance(error, OaiUsageError)
    assert error.endpoint == "costs"


def test_none_for_an_optional_argument_means_not_given(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    query = client.query("completions", start_time=NOV_1, end_time=None, group_by=None, limit=None)
    assert query.params == {"start_time": NOV_1, "limit": 31}
    assert httpx_mock.get_requests() == []
