"""Query parsing: array spellings, group_by and filter enums, required and malformed parameters (400 with param)."""

from __future__ import annotations

import pytest
from oai_usage_sandbox import Sandbox
from oai_usage_sandbox.endpoints import ENDPOINTS

from .conftest import DAY, TODAY, call, ok, usage

SPAN = [("start_time", TODAY - 3 * DAY), ("end_time", TODAY)]


def test_repeated_bracketed_and_comma_joined_arrays_agree(sandbox: Sandbox) -> None:
    path = usage("completions")
    repeated = ok(sandbox, path, [*SPAN, ("group_by", "model"), ("group_by", "batch")])
    brackets = ok(sandbox, path, [*SPAN, ("group_by[]", "model"), ("group_by[]", "batch")])
    comma = ok(sandbox, path, [*SPAN, ("group_by", "model,batch")])
    assert repeated == brackets == comma


def test_line_items_keep_their_inner_comma(sandbox: Sandbox) -> None:
    grouped = ok(sandbox, "/v1/organization/costs", [*SPAN, ("group_by", "line_item")])
    item = grouped["data"][0]["results"][0]["line_item"]
    page = ok(sandbox, "/v1/organization/costs", [*SPAN, ("line_items", item), ("group_by", "line_item")])
    assert {r["line_item"] for b in page["data"] for r in b["results"]} == {item}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_ungrouped_dimensions_are_null(sandbox: Sandbox, endpoint: str) -> None:
    e = ENDPOINTS[endpoint]
    path = "/v1/organization/costs" if e.is_costs else usage(endpoint)
    page = ok(sandbox, path, [("start_time", TODAY - 7 * DAY), ("group_by", e.dims[0])])
    rows = [r for b in page["data"] for r in b["results"]]
    assert rows
    assert all(r[e.dims[0]] is not None for r in rows)
    assert all(r[d] is None for r in rows for d in e.dims[1:])


def test_result_object_is_the_endpoint_constant(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("file_search_calls"), SPAN)
    assert {r["object"] for b in page["data"] for r in b["results"]} == {"organization.usage.file_searches.result"}


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ([("end_time", TODAY)], "start_time"),
        ([("start_time", "yesterday")], "start_time"),
        ([("start_time", "-5")], "start_time"),
        ([("start_time", TODAY), ("end_time", TODAY - 1)], "end_time"),
        ([*SPAN, ("bucket_width", "1w")], "bucket_width"),
        ([*SPAN, ("limit", "ten")], "limit"),
        ([*SPAN, ("group_by", "size")], "group_by"),
        ([*SPAN, ("group_by", "")], "group_by"),
        ([*SPAN, ("batch", "maybe")], "batch"),
    ],
)
def test_bad_parameter_is_a_400_naming_it(sandbox: Sandbox, params: list[tuple[str, object]], param: str) -> None:
    status, body = call(sandbox, usage("completions"), params)
    assert status == 400
    assert body["error"]["param"] == param
    assert body["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("endpoint", "param", "value"),
    [
        ("images", "sizes", "1792x1024"),
        ("images", "sources", "image.upscale"),
        ("web_search_calls", "context_levels", "max"),
    ],
)
def test_enum_filter_rejects_unknown_values(sandbox: Sandbox, endpoint: str, param: str, value: str) -> None:
    status, body = call(sandbox, usage(endpoint), [*SPAN, (param, value)])
    assert (status, body["error"]["param"]) == (400, param)


def test_costs_reject_hourly_buckets(sandbox: Sandbox) -> None:
    status, body = call(sandbox, "/v1/organization/costs", [*SPAN, ("bucket_width", "1h")])
    assert (status, body["error"]["param"]) == (400, "bucket_width")


def test_group_by_of_another_endpoint_is_rejected(sandbox: Sandbox) -> None:
    status, body = call(sandbox, usage("vector_stores"), [*SPAN, ("group_by", "model")])
    assert (status, body["error"]["param"]) == (400, "group_by")


def test_path_without_v1_prefix_is_served(sandbox: Sandbox) -> None:
    status, _ = call(sandbox, "/organization/usage/embeddings", SPAN)
    assert status == 200


def test_a_start_after_now_without_end_is_an_empty_last_page(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", TODAY + 10 * DAY)])
    assert page["data"] == [] and page["has_more"] is False and page["next_page"] is None


def test_an_empty_id_in_a_filter_is_a_400_naming_it(sandbox: Sandbox) -> None:
    status, body = call(sandbox, usage("completions"), [*SPAN, ("project_ids", "proj_a"), ("project_ids", "")])
    assert status == 400 and body["error"]["param"] == "project_ids"


def test_a_repeated_request_gets_the_same_body_and_a_new_request_id(sandbox: Sandbox) -> None:
    items = [(k, str(v)) for k, v in SPAN]
    first = sandbox.handle("GET", usage("completions"), items, {"authorization": "Bearer sk-admin-x"})
    second = sandbox.handle("GET", usage("completions"), items, {"authorization": "Bearer sk-admin-x"})
    assert first.body == second.body
    assert dict(first.headers)["x-request-id"] != dict(second.headers)["x-request-id"]


def test_the_answer_cache_stays_within_its_budget() -> None:
    from oai_usage_sandbox.core import _AnswerCache

    cache = _AnswerCache(budget=10)
    for n in range(5):
        cache.put(n, (200, b"abcd", ()))
    assert cache.get(0) is None and cache.get(1) is None and cache.get(2) is None
    assert cache.get(4) == (200, b"abcd", ())
    cache.put("big", (200, b"x" * 11, ()))
    assert cache.get("big") is None
