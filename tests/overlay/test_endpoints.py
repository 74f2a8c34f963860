"""The endpoint registry agrees with openapi.yaml: paths, parameters, allowed values, result kinds, limits."""

from __future__ import annotations

from typing import Any

import pytest
from oai_usage.endpoints import ENDPOINTS, KNOWN_RESULT_OBJECTS, Endpoint, get_endpoint
from oai_usage.errors import ValidationError

from tests.generated.spec_helpers import OPERATIONS, Operation, resolve

IDS = [op.path for op in OPERATIONS]


def _endpoint(op: Operation) -> Endpoint[Any]:
    return ENDPOINTS[op.path.rsplit("/", 1)[1]]


def _param(op: Operation, name: str) -> dict[str, Any]:
    (param,) = [p for p in op.parameters if p["name"] == name]
    return param


def _enum(op: Operation, name: str) -> set[str]:
    schema = resolve(_param(op, name)["schema"])
    if schema.get("type") == "array":
        schema = resolve(schema["items"])
    return set(schema["enum"])


def test_registry_holds_every_spec_path_once_named_after_its_last_segment() -> None:
    assert {ep.path for ep in ENDPOINTS.values()} == {op.path for op in OPERATIONS}
    assert all(ep.path.endswith("/" + name) for name, ep in ENDPOINTS.items())
    assert len(ENDPOINTS) == 12


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_parameters_are_the_spec_parameters(op: Operation) -> None:
    assert list(_endpoint(op).params) == [p["name"] for p in op.parameters]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_only_start_time_is_required(op: Operation) -> None:
    required = {name for name, spec in _endpoint(op).params.items() if spec.required}
    assert required == {p["name"] for p in op.parameters if p.get("required")} == {"start_time"}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_group_by_values_are_the_spec_enum(op: Operation) -> None:
    assert set(_endpoint(op).group_by) == _enum(op, "group_by")


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_bucket_widths_are_the_spec_enum(op: Operation) -> None:
    assert set(_endpoint(op).bucket_widths) == _enum(op, "bucket_width")


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_filters_and_their_allowed_values_match_the_spec(op: Operation) -> None:
    filters = _endpoint(op).filters
    expected_names = {p["name"] for p in op.parameters} - {"start_time", "end_time", "bucket_width", "limit", "page",
                                                          "group_by"}  # fmt: skip
    assert set(filters) == expected_names
    for name, spec in filters.items():
        schema = resolve(_param(op, name)["schema"])
        if spec.kind == "bool":
            assert schema["type"] == "boolean"
        elif spec.kind == "enums":
            assert set(spec.allowed) == _enum(op, name)
        else:
            assert spec.kind == "strings"
            assert resolve(schema["items"]) == {"type": "string"}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_limits_are_the_spec_x_bucket_limits(op: Operation) -> None:
    table = _param(op, "limit")["x-bucket-limits"]
    limits = _endpoint(op).limits
    assert {width: {"default": lim.default, "maximum": lim.maximum} for width, lim in limits.items()} == table


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_bucket_width_has_limits(op: Operation) -> None:
    endpoint = _endpoint(op)
    assert set(endpoint.limits) == set(endpoint.bucket_widths)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_result_object_is_the_spec_const(op: Operation) -> None:
    assert _endpoint(op).result_object == op.result_schema()["properties"]["object"]["const"]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_result_and_bucket_models_are_the_spec_schemas(op: Operation) -> None:
    page = resolve({"$ref": f"#/components/schemas/{op.page_schema}"})
    bucket_ref = page["properties"]["data"]["items"]["$ref"]
    bucket = resolve(page["properties"]["data"]["items"])
    endpoint = _endpoint(op)
    assert endpoint.bucket.__name__ == bucket_ref.rsplit("/", 1)[1]
    assert endpoint.result.__name__ == bucket["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]


def test_known_result_objects_are_distinct_per_endpoint() -> None:
    assert len(KNOWN_RESULT_OBJECTS) == len(ENDPOINTS)


def test_unknown_endpoint_name_is_a_validation_error_listing_the_names() -> None:
    with pytest.raises(ValidationError, match=r"unknown endpoint 'usage'.*completions.*costs"):
        get_endpoint("usage")
