"""Realistic pages decode into each endpoint's own types and tolerate what the live API does."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from oai_usage_api.types import UNSET

from tests.generated.spec_helpers import OPERATIONS, Operation, resolve

IDS = [op.operation_id for op in OPERATIONS]


def _first_row(page: dict[str, Any]) -> dict[str, Any]:
    for bucket in page["data"]:
        if bucket["results"]:
            row: dict[str, Any] = bucket["results"][0]
            return row
    raise AssertionError("example page has no result row")


def _optional_fields(op: Operation) -> list[str]:
    """Fields the generated models let be absent: all but `required`."""
    schema = op.result_schema()
    return [name for name in schema["properties"] if name not in schema["required"]]


def _nullable_fields(op: Operation) -> list[str]:
    schema = op.result_schema()
    return [name for name, node in schema["properties"].items() if "null" in resolve(node).get("type", [])]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_example_page_decodes_into_the_endpoint_types(op: Operation) -> None:
    page = op.page_class.from_dict(op.example)
    bucket_cls = type(page.data[0])
    assert bucket_cls.__name__ == op.page_schema.replace("Page", "Bucket")
    rows = [r for b in page.data for r in b.results]
    assert rows, "the example must carry at least one row"
    assert {type(r).__name__ for r in rows} == {op.page_schema.replace("Page", "Result")}
    assert page.next_page == op.example["next_page"]
    assert page.has_more is op.example["has_more"]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_page_round_trips_to_the_same_json(op: Operation) -> None:
    assert op.page_class.from_dict(op.example).to_dict() == op.example


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_absent_optional_fields_decode_as_unset(op: Operation) -> None:
    payload = copy.deepcopy(op.example)
    row = _first_row(payload)
    optional = _optional_fields(op)
    for name in optional:
        row.pop(name, None)
    result = op.page_class.from_dict(payload).data[0].results[0]
    assert all(getattr(result, name) is UNSET for name in optional)
    assert result.to_dict() == row


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_explicit_nulls_decode_as_none(op: Operation) -> None:
    payload = copy.deepcopy(op.example)
    row = _first_row(payload)
    nullable = _nullable_fields(op)
    for name in nullable:
        row[name] = None
    result = op.page_class.from_dict(payload).data[0].results[0]
    assert nullable, "every result type has at least one nullable dimension"
    assert all(getattr(result, name) is None for name in nullable)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_unknown_fields_are_kept_at_every_level(op: Operation) -> None:
    payload = copy.deepcopy(op.example)
    payload["request_region"] = "us"
    payload["data"][0]["revision"] = 3
    _first_row(payload)["input_cache_write_1w_tokens"] = 77
    page = op.page_class.from_dict(payload)
    assert page.additional_properties == {"request_region": "us"}
    assert page.data[0].additional_properties == {"revision": 3}
    assert page.data[0].results[0].additional_properties == {"input_cache_write_1w_tokens": 77}
    assert page.to_dict() == payload


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_optional_scalar_fields_may_be_null(op: Operation) -> None:
    payload = copy.deepcopy(op.example)
    row = _first_row(payload)
    nullable = [name for name in _optional_fields(op) if name in _nullable_fields(op)]
    for name in nullable:
        row[name] = None
    result = op.page_class.from_dict(payload).data[0].results[0]
    assert nullable
    assert all(getattr(result, name) is None for name in nullable)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_last_page_has_a_null_cursor(op: Operation) -> None:
    payload = copy.deepcopy(op.example) | {"has_more": False, "next_page": None}
    page = op.page_class.from_dict(payload)
    assert page.has_more is False
    assert page.next_page is None


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_empty_bucket_decodes_with_no_results(op: Operation) -> None:
    payload = copy.deepcopy(op.example)
    payload["data"][0]["results"] = []
    assert op.page_class.from_dict(payload).data[0].results == []


OPEN_ENUM_FIELDS = [
    (op, field, value)
    for op in OPERATIONS
    for field, value in (("api_source", "partner_gateway"), ("quantity_unit", "terabyte_days"))
    if field in op.result_schema()["properties"]
]


@pytest.mark.parametrize(
    ("op", "field", "value"),
    OPEN_ENUM_FIELDS,
    ids=[f"{op.operation_id}-{field}" for op, field, _ in OPEN_ENUM_FIELDS],
)
def test_unknown_values_of_open_enums_are_kept(op: Operation, field: str, value: str) -> None:
    payload = copy.deepcopy(op.example)
    _first_row(payload)[field] = value
    result = op.page_class.from_dict(payload).data[0].results[0]
    assert getattr(result, field) == value


def test_open_enums_cover_the_api_source_and_quantity_unit_fields() -> None:
    covered = {(op.operation_id, field) for op, field, _ in OPEN_ENUM_FIELDS}
    assert ("usageCompletions", "api_source") in covered
    assert ("usageCosts", "quantity_unit") in covered
    assert len(covered) == 5  # completions, decisions, web search and costs api_source; costs quantity_unit


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_unknown_string_dimension_values_are_kept(op: Operation) -> None:
    payload = copy.deepcopy(op.example)
    row = _first_row(payload)
    dimension = next(n for n in ("service_tier", "context_level", "size", "line_item", "project_id") if n in row)
    row[dimension] = "value-from-the-future"
    result = op.page_class.from_dict(payload).data[0].results[0]
    assert getattr(result, dimension) == "value-from-the-future"


def test_costs_amount_decodes_value_and_currency() -> None:
    op = next(o for o in OPERATIONS if o.operation_id == "usageCosts")
    row = op.page_class.from_dict(op.example).data[0].results[0]
    expected = _first_row(op.example)["amount"]
    assert row.amount.value == expected["value"]
    assert row.amount.currency == "usd"
