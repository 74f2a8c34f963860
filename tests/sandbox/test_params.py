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


COSTS = "/v1/organization/costs"
ITEM = "gpt-image-1, 1024x1024"  # a real line-item name: model, comma, space, kind


def _image_items(sandbox: Sandbox) -> list[str]:
    grouped = ok(sandbox, COSTS, [("start_time", TODAY - 7 * DAY), ("group_by", "line_item")])
    items = sorted({r["line_item"] for b in grouped["data"] for r in b["results"]})
    assert ITEM in items
    return items


@pytest.mark.parametrize(
    "spelling",
    [[("line_items", ITEM)], [("line_items[]", ITEM)], [("line_items", ITEM), ("line_items", ITEM)]],
    ids=["plain", "brackets", "repeated"],
)
def test_a_line_item_with_a_comma_is_one_value_in_every_spelling(
    sandbox: Sandbox, spelling: list[tuple[str, str]]
) -> None:
    _image_items(sandbox)
    page = ok(sandbox, COSTS, [*SPAN, *spelling, ("group_by", "line_item")])
    assert {r["line_item"] for b in page["data"] for r in b["results"]} == {ITEM}


@pytest.mark.parametrize("key", ["line_items", "line_items[]"])
def test_two_line_items_with_commas_select_both(sandbox: Sandbox, key: str) -> None:
    items = _image_items(sandbox)
    other = next(i for i in items if i != ITEM and ", " in i)
    page = ok(sandbox, COSTS, [("start_time", TODAY - 7 * DAY), (key, ITEM), (key, other), ("group_by", "line_item")])
    assert {r["line_item"] for b in page["data"] for r in b["results"]} == {ITEM, other}


def test_line_items_are_never_split_on_commas(sandbox: Sandbox) -> None:
    items = _image_items(sandbox)
    other = next(i for i in items if i != ITEM)
    page = ok(sandbox, COSTS, [*SPAN, ("line_items", f"{ITEM},{other}")])
    assert all(b["results"] == [] for b in page["data"])  # one name that no line item has


def test_id_filters_split_on_commas(sandbox: Sandbox) -> None:
    grouped = ok(sandbox, usage("embeddings"), [*SPAN, ("group_by", "project_id")])
    ids = sorted({r["project_id"] for b in grouped["data"] for r in b["results"]})[:2]
    joined = ok(sandbox, usage("embeddings"), [*SPAN, ("project_ids", ",".join(ids)), ("group_by", "project_id")])
    repeated = ok(sandbox, usage("embeddings"), [*SPAN, *[("project_ids", i) for i in ids], ("group_by", "project_id")])
    assert joined == repeated
    assert {r["project_id"] for b in joined["data"] for r in b["results"]} == set(ids)


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
        ("images", "sizes", "1536x1024"),
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
