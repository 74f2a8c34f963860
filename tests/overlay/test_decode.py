"""Pages decode into the generated models and survive the drift the real API has shown."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from oai_usage import DecodeError, UsageClient
from oai_usage.decode import decode_page
from oai_usage.endpoints import COMPLETIONS, COSTS, EMBEDDINGS, ENDPOINTS
from oai_usage_api.models import CostsAmount, CostsResult, UsageCompletionsBucket, UsageCompletionsResult
from oai_usage_api.types import UNSET
from pytest_httpx import HTTPXMock

from tests.generated.spec_helpers import OPERATIONS, Operation
from tests.overlay.payloads import NOV_1, bucket, completions_result, costs_result, embeddings_result, page


def _one_result(endpoint: Any, result: dict[str, Any]) -> Any:
    decoded = decode_page(endpoint, page([bucket(NOV_1, [result])]))
    (only,) = decoded.data[0].results
    return only


def _decode_error(endpoint: Any, body: Any) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode_page(endpoint, body)
    return info.value


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.path for op in OPERATIONS])
def test_the_spec_example_of_every_endpoint_decodes_and_round_trips(op: Operation) -> None:
    endpoint = ENDPOINTS[op.path.rsplit("/", 1)[1]]
    decoded = decode_page(endpoint, copy.deepcopy(op.example))
    assert [b.to_dict() for b in decoded.data] == op.example["data"]
    assert all(isinstance(b, endpoint.bucket) for b in decoded.data)
    assert (decoded.has_more, decoded.next_page) == (op.example["has_more"], op.example["next_page"])


def test_results_are_the_endpoints_generated_models() -> None:
    result = _one_result(COMPLETIONS, completions_result())
    assert isinstance(result, UsageCompletionsResult)
    assert (result.input_tokens, result.model) == (1843200, "gpt-4o-2024-08-06")


def test_costs_amount_sent_as_a_string_becomes_a_float() -> None:
    result = _one_result(COSTS, costs_result(value="12.50"))
    assert isinstance(result, CostsResult)
    assert isinstance(result.amount, CostsAmount)
    assert result.amount.value == 12.5
    assert isinstance(result.amount.value, float)


def test_an_integer_amount_becomes_a_float_too() -> None:
    assert _one_result(COSTS, costs_result(value=3)).amount.value == 3.0


def test_counters_sent_as_strings_or_integral_floats_become_ints() -> None:
    result = _one_result(
        COMPLETIONS, completions_result(input_tokens="1843200", output_tokens=402113.0, input_cached_tokens=" 655360 ")
    )
    assert (result.input_tokens, result.output_tokens, result.input_cached_tokens) == (1843200, 402113, 655360)
    assert all(type(v) is int for v in (result.input_tokens, result.output_tokens, result.input_cached_tokens))


def test_bucket_times_sent_as_strings_become_ints() -> None:
    raw = bucket(NOV_1)
    raw["start_time"] = str(NOV_1)
    (decoded,) = decode_page(COMPLETIONS, page([raw])).data
    assert decoded.start_time == NOV_1


@pytest.mark.parametrize(
    ("field", "value"),
    [("input_tokens", "lots"), ("input_tokens", 12.5), ("input_tokens", True), ("num_model_requests", [1])],
)
def test_a_counter_that_is_not_a_whole_number_is_a_decode_error_naming_it(field: str, value: Any) -> None:
    error = _decode_error(COMPLETIONS, page([bucket(NOV_1, [completions_result(**{field: value})])]))
    assert error.field == field
    assert f"completions page 1, bucket 0, result 0: field '{field}' should be an integer" in str(error)


def test_an_amount_that_is_not_a_number_names_the_nested_field() -> None:
    error = _decode_error(COSTS, page([bucket(NOV_1, [costs_result(value="12,50 EUR")])]))
    assert error.field == "amount.value"


def test_a_missing_required_field_is_a_decode_error_not_a_key_error() -> None:
    row = completions_result()
    del row["output_tokens"]
    error = _decode_error(COMPLETIONS, page([bucket(NOV_1, [row])]))
    assert not isinstance(error, KeyError)
    assert error.field == "output_tokens"
    assert "required field 'output_tokens' is missing" in str(error)


def test_null_in_a_required_counter_is_a_decode_error() -> None:
    error = _decode_error(EMBEDDINGS, page([bucket(NOV_1, [embeddings_result(input_tokens=None)])]))
    assert "required field 'input_tokens' is null" in str(error)


def test_null_where_only_an_object_is_declared_reads_as_absent() -> None:
    assert _one_result(COSTS, costs_result(amount=None)).amount is UNSET


def test_unknown_fields_are_kept_on_results_buckets_and_pages() -> None:
    raw_bucket = bucket(NOV_1, [completions_result(input_cache_write_1h_tokens=2048)])
    raw_bucket["timezone"] = "UTC"
    raw_page = page([raw_bucket])
    raw_page["total_buckets"] = 1
    decoded = decode_page(COMPLETIONS, raw_page)
    (result,) = decoded.data[0].results
    assert result.additional_properties == {"input_cache_write_1h_tokens": 2048}
    assert decoded.data[0].additional_properties == {"timezone": "UTC"}
    assert decoded.additional_properties == {"total_buckets": 1}


def test_an_unknown_open_enum_value_is_kept_as_a_string() -> None:
    assert _one_result(COSTS, costs_result(quantity_unit="kilowatt_hours")).quantity_unit == "kilowatt_hours"


def test_an_unknown_result_kind_is_kept_aside_not_fatal() -> None:
    stranger = {"object": "organization.usage.realtime_sessions.result", "num_sessions": 4, "project_id": None}
    decoded = decode_page(COMPLETIONS, page([bucket(NOV_1, [completions_result(), stranger])]))
    assert len(decoded.data[0].results) == 1
    (kept,) = decoded.unknown_results
    assert (kept.kind, kept.bucket_start, kept.bucket_end, kept.data) == (
        "organization.usage.realtime_sessions.result",
        NOV_1,
        NOV_1 + 86400,
        stranger,
    )


def test_a_result_without_a_kind_is_a_decode_error() -> None:
    row = completions_result()
    del row["object"]
    assert _decode_error(COMPLETIONS, page([bucket(NOV_1, [row])])).field == "object"


def test_the_singular_results_key_of_older_examples_is_read() -> None:
    raw = bucket(NOV_1)
    raw["result"] = [completions_result()]
    del raw["results"]
    (decoded,) = decode_page(COMPLETIONS, page([raw])).data
    assert isinstance(decoded, UsageCompletionsBucket)
    assert len(decoded.results) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"object": "list", "data": [], "has_more": False, "next_page": None}, "object"),
        ({"object": "page", "data": {}, "has_more": False, "next_page": None}, "data"),
        ({"object": "page", "data": [], "next_page": None}, "has_more"),
        ({"object": "page", "data": [], "has_more": True, "next_page": 7}, "next_page"),
        (
            {
                "object": "page",
                "data": [{"object": "bucket", "start_time": NOV_1, "end_time": NOV_1 + 60}],
                "has_more": False,
                "next_page": None,
            },
            "results",
        ),
        (
            {
                "object": "page",
                "data": [{"object": "bucket", "end_time": NOV_1, "results": []}],
                "has_more": False,
                "next_page": None,
            },
            "start_time",
        ),
        (
            {
                "object": "page",
                "data": [{"object": "bucket", "start_time": NOV_1, "end_time": NOV_1 + 60, "results": "none"}],
                "has_more": False,
                "next_page": None,
            },
            "results",
        ),
    ],
)
def test_a_broken_envelope_is_a_decode_error_naming_the_field(body: dict[str, Any], field: str) -> None:
    assert _decode_error(COMPLETIONS, body).field == field


def test_a_body_that_is_not_an_object_is_a_decode_error() -> None:
    assert "should be a JSON object, got list" in str(_decode_error(COMPLETIONS, []))


def test_a_missing_next_page_on_the_last_page_is_tolerated() -> None:
    body = page([bucket(NOV_1)])
    del body["next_page"]
    assert decode_page(COMPLETIONS, body).next_page is None


def test_a_decode_error_through_the_client_carries_the_request_id(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1, [costs_result(value="n/a")])]), headers={"x-request-id": "req_42"})
    with pytest.raises(DecodeError) as info:
        list(client.costs(start_time=NOV_1))
    assert info.value.request_id == "req_42"
    assert info.value.field == "amount.value"


def test_unknown_kinds_are_collected_on_the_query_and_warned_about_once(
    client: UsageClient, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = embeddings_result()  # another endpoint's rows in a completions answer
    httpx_mock.add_response(json=page([bucket(NOV_1, [stranger])], next_page="page_2"))
    httpx_mock.add_response(json=page([bucket(NOV_1 + 86400, [stranger, completions_result()])]))
    query = client.completions(start_time=NOV_1, end_time=NOV_1 + 2 * 86400)
    with caplog.at_level(logging.WARNING, logger="oai_usage"):
        rows = list(query.rows())
    assert len(rows) == 1
    assert [u.bucket_start for u in query.unknown_results] == [NOV_1, NOV_1 + 86400]
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "oai_usage"]
    assert "organization.usage.embeddings.result" in warning
    assert "(results of the embeddings endpoint)" in warning
