"""The sandbox's endpoint table against openapi.yaml: paths, group_by and filter enums, limits, result shapes."""

from __future__ import annotations

from typing import Any

import pytest
from oai_usage_sandbox import Sandbox
from oai_usage_sandbox.admin import OPERATIONS as ADMIN_OPERATIONS
from oai_usage_sandbox.endpoints import BY_PATH, CONTEXT_LEVELS, COSTS_LIMITS, IMAGE_SIZES, IMAGE_SOURCES, USAGE_LIMITS
from oai_usage_sandbox.org import IMAGE_MODELS, build_org
from oai_usage_sandbox.pricing import QUANTITY_UNITS

from .conftest import DAY, TODAY, call, ok

COMMON = {"start_time", "end_time", "bucket_width", "limit", "page", "group_by"}


def params_of(spec: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    out = {}
    for p in spec["paths"][path]["get"]["parameters"]:
        if "$ref" in p:
            p = spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        out[p["name"]] = p
    return out


def schema(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def result_schema(spec: dict[str, Any], path: str) -> dict[str, Any]:
    page_ref = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    bucket_ref = schema(spec, page_ref)["properties"]["data"]["items"]["$ref"]
    return schema(spec, schema(spec, bucket_ref)["properties"]["results"]["items"]["$ref"])


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def violations(spec: dict[str, Any], node: dict[str, Any], value: Any, at: str = "$") -> list[str]:
    """Where `value` breaks the schema `node` (the subset of JSON Schema 2020-12 that openapi.yaml uses)."""
    if "$ref" in node:
        return violations(spec, schema(spec, node["$ref"]), value, at)
    if "anyOf" in node:
        return [] if any(not violations(spec, n, value, at) for n in node["anyOf"]) else [f"{at}: matches no anyOf"]
    found: list[str] = []
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        ok_type = any(
            isinstance(value, _TYPES[n]) and not (isinstance(value, bool) and n in ("integer", "number")) for n in names
        )
        if not ok_type:
            return [f"{at}: {value!r} is not {names}"]
    if "const" in node and value != node["const"]:
        found.append(f"{at}: {value!r} != {node['const']!r}")
    if "enum" in node and value not in node["enum"]:
        found.append(f"{at}: {value!r} not in enum")
    if isinstance(value, dict):
        found += [f"{at}.{k}: missing" for k in node.get("required", []) if k not in value]
        for k, sub in node.get("properties", {}).items():
            if k in value:
                found += violations(spec, sub, value[k], f"{at}.{k}")
    if isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            found += violations(spec, node["items"], item, f"{at}[{i}]")
    return found


def test_serves_exactly_the_spec_paths(spec: dict[str, Any]) -> None:
    assert set(BY_PATH) | set(ADMIN_OPERATIONS) == set(spec["paths"])
    assert not set(BY_PATH) & set(ADMIN_OPERATIONS)


@pytest.mark.parametrize("path", sorted(BY_PATH))
def test_group_by_enum_matches(spec: dict[str, Any], path: str) -> None:
    ref = params_of(spec, path)["group_by"]["schema"]["items"]["$ref"]
    assert set(schema(spec, ref)["enum"]) == set(BY_PATH[path].dims)


@pytest.mark.parametrize("path", sorted(BY_PATH))
def test_filters_match(spec: dict[str, Any], path: str) -> None:
    assert set(params_of(spec, path)) - COMMON == {f.param for f in BY_PATH[path].filters}


def test_filter_enums_match(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert tuple(schemas["ImageSource"]["enum"]) == IMAGE_SOURCES
    assert set(schemas["ImageSize"]["enum"]) == set(IMAGE_SIZES)  # 1792x1024 included: DALL-E 3's landscape size
    assert tuple(schemas["WebSearchContextLevel"]["enum"]) == CONTEXT_LEVELS


def test_bucket_limits_match_x_bucket_limits(spec: dict[str, Any]) -> None:
    params = spec["components"]["parameters"]
    for name, table in (("UsageLimit", USAGE_LIMITS), ("CostsLimit", COSTS_LIMITS)):
        ext = params[name]["x-bucket-limits"]
        assert {w: (v["default"], v["maximum"]) for w, v in ext.items()} == table


@pytest.mark.parametrize("path", sorted(BY_PATH))
def test_rows_carry_every_result_property(spec: dict[str, Any], sandbox: Sandbox, path: str) -> None:
    page = ok(sandbox, "/v1" + path, [("start_time", TODAY - 7 * DAY)])
    rows = [r for b in page["data"] for r in b["results"]]
    assert rows
    assert all(set(r) == set(result_schema(spec, path)["properties"]) for r in rows)


@pytest.mark.parametrize("path", sorted(BY_PATH))
def test_grouped_page_validates_against_the_spec(spec: dict[str, Any], sandbox: Sandbox, path: str) -> None:
    endpoint = BY_PATH[path]
    params = [("start_time", TODAY - 3 * DAY), ("limit", 2), *[("group_by", d) for d in endpoint.dims]]
    page = ok(sandbox, "/v1" + path, params)
    page_ref = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page["data"][0]["results"]
    assert violations(spec, {"$ref": page_ref}, page) == []


def test_validator_catches_a_wrong_page(spec: dict[str, Any], sandbox: Sandbox) -> None:
    page = ok(sandbox, "/v1/organization/costs", [("start_time", TODAY - 3 * DAY)])
    page["data"][0]["results"][0]["amount"]["value"] = "1.0"
    del page["next_page"]
    assert len(violations(spec, {"$ref": "#/components/schemas/CostsPage"}, page)) == 2


def test_error_body_validates_against_the_spec(spec: dict[str, Any], sandbox: Sandbox) -> None:
    status, body = call(sandbox, "/v1/organization/costs", [("start_time", "x")])
    assert status == 400
    assert violations(spec, {"$ref": "#/components/schemas/ErrorResponse"}, body) == []


def known_units(spec: dict[str, Any]) -> set[str]:
    """The spec's documented quantity units: `x-known-values` of CostQuantityUnit (or an older `...Known` enum)."""
    schemas = spec["components"]["schemas"]
    known = schemas["CostQuantityUnit"].get("x-known-values") or schemas["CostQuantityUnitKnown"]["enum"]
    return set(known)


def test_quantity_units_are_the_documented_list(spec: dict[str, Any]) -> None:
    assert known_units(spec) == set(QUANTITY_UNITS)


def test_every_line_item_unit_is_declared_by_the_spec(spec: dict[str, Any]) -> None:
    declared = known_units(spec)
    for seed, scale in ((0, 1), (7, 1), (3, 4)):
        units = {unit for unit, _ in build_org(seed, scale).line_item_units.values()}
        assert units - {None} <= declared


def test_served_quantity_units_are_declared_by_the_spec(spec: dict[str, Any], sandbox: Sandbox) -> None:
    page = ok(sandbox, "/v1/organization/costs", [("start_time", TODAY - 7 * DAY), ("group_by", "line_item")])
    units = {r["quantity_unit"] for b in page["data"] for r in b["results"]}
    assert "tokens" in units
    assert units - {None} <= known_units(spec)


# The sizes each image model really makes (OpenAI's image API docs), within the spec's `sizes` enum.
REAL_SIZES = {
    "dall-e-2": {"256x256", "512x512", "1024x1024"},
    "dall-e-3": {"1024x1024", "1792x1024", "1024x1792"},
    "gpt-image-1": {"1024x1024", "1024x1536", "1536x1024"},
}


def test_image_models_produce_only_sizes_they_make(spec: dict[str, Any]) -> None:
    enum = set(spec["components"]["schemas"]["ImageSize"]["enum"])
    for model, (_, sizes) in IMAGE_MODELS.items():
        assert set(sizes) <= REAL_SIZES[model] & enum, model


def test_served_image_sizes_and_line_items_match_the_models(sandbox: Sandbox) -> None:
    span = [("start_time", TODAY - 30 * DAY), ("limit", 31)]
    images = ok(sandbox, "/v1/organization/usage/images", [*span, ("group_by", "model"), ("group_by", "size")])
    pairs = {(r["model"], r["size"]) for b in images["data"] for r in b["results"]}
    assert pairs and all(size in REAL_SIZES[model] for model, size in pairs)
    costs = ok(sandbox, "/v1/organization/costs", [*span, ("group_by", "line_item")])
    items = {r["line_item"] for b in costs["data"] for r in b["results"] if r["quantity_unit"] == "images"}
    assert items == {f"{model}, {size}" for model, size in pairs}


def test_a_1792x1024_filter_is_accepted(sandbox: Sandbox) -> None:
    page = ok(sandbox, "/v1/organization/usage/images", [("start_time", TODAY - 7 * DAY), ("sizes", "1792x1024")])
    assert page["object"] == "page"
