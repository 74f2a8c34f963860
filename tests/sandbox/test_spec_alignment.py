"""The sandbox's endpoint table against openapi.yaml: paths, group_by and filter enums, limits, result shapes."""

from __future__ import annotations

from typing import Any

import pytest
from oai_usage_sandbox import Sandbox
from oai_usage_sandbox.endpoints import BY_PATH, CONTEXT_LEVELS, COSTS_LIMITS, IMAGE_SIZES, IMAGE_SOURCES, USAGE_LIMITS

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
    assert set(BY_PATH) == set(spec["paths"])


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
    assert tuple(schemas["ImageSize"]["enum"]) == IMAGE_SIZES
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
