"""The other-language consumers' plan (tools/consumers/queries.json) fits the contract, and the runner's check bites."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest.mock import MagicMock

import pytest
from pydantic import BaseModel, ConfigDict

from tests.conftest import load_script
from tests.generated.spec_helpers import ADMIN_OPERATIONS, OPERATIONS, Operation, resolve

CONSUMERS = Path(__file__).resolve().parents[2] / "tools" / "consumers"
PLAN: dict[str, Any] = json.loads((CONSUMERS / "queries.json").read_text(encoding="utf-8"))
QUERIES = {q["operation"]: q for q in PLAN["queries"]}


RUN = load_script("tools/consumers/run.py", "consumers_run")


def _operation(path: str) -> Operation:
    return next(op for op in OPERATIONS if op.path == path)


def test_the_plan_covers_every_operation_once() -> None:
    assert sorted(q["path"] for q in PLAN["queries"]) == sorted(op.path for op in OPERATIONS)
    assert len(QUERIES) == len(OPERATIONS) == 12


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_query_uses_only_parameters_and_values_the_contract_allows(name: str) -> None:
    query = QUERIES[name]
    params = {p["name"]: p for p in _operation(query["path"]).parameters}
    assert set(query["params"]) <= set(params)
    for key, value in query["params"].items():
        schema = resolve(params[key]["schema"])
        if schema["type"] == "array":
            allowed = resolve(schema["items"]).get("enum")
            assert allowed is None or set(value) <= set(allowed), key
        elif "enum" in schema:
            assert value in schema["enum"], key
    limits = params["limit"]["x-bucket-limits"][query["params"]["bucket_width"]]
    assert 1 <= query["params"]["limit"] <= limits["maximum"]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_summed_field_is_a_number_of_the_result(name: str) -> None:
    # Consumers count an absent or null field as 0 (costs `amount` is optional: no official sample requires it).
    query = QUERIES[name]
    node = _operation(query["path"]).result_schema()
    for part in query["sum_field"].split("."):
        node = resolve(node["properties"][part])
    types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    assert {"integer", "number"} & set(types)


def test_the_runner_serves_the_sandbox_its_legacy_shape_and_the_corpus() -> None:
    import inspect

    source = inspect.getsource(RUN.main)
    assert 'shape="legacy"' in source and "serve_corpus()" in source
    assert [RUN.Target.__dataclass_fields__[f].name for f in ("name", "base_url", "queries", "expected")]


REFERENCE = {"costs": {"pages": 3, "buckets": 12, "results": 1341, "sum": 11805.620266362377}}


def test_equal_totals_pass_and_float_sums_use_a_relative_tolerance() -> None:
    same = {"costs": dict(REFERENCE["costs"], sum=11805.620266362377 * (1 + 1e-12))}
    assert RUN.compare(REFERENCE, same) == []


@pytest.mark.parametrize(
    ("got", "problem"),
    [
        ({}, "costs: missing"),
        ({"costs": dict(REFERENCE["costs"], pages=4)}, "costs: pages 4, expected 3"),
        ({"costs": dict(REFERENCE["costs"], results=1340)}, "costs: results 1340, expected 1341"),
        ({"costs": dict(REFERENCE["costs"], sum=11805.63)}, "costs: sum 11805.63"),
        ({"costs": dict(REFERENCE["costs"], sum="11805.620266362377")}, "costs: sum '11805.620266362377'"),
    ],
    ids=["missing", "pages", "results", "sum", "sum as text"],
)
def test_any_difference_from_the_python_client_is_reported(got: dict[str, Any], problem: str) -> None:
    problems = RUN.compare(REFERENCE, got)
    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_the_consumers_env_runs_in_ci() -> None:
    tox = (Path(__file__).resolve().parents[2] / "tox.ini").read_text(encoding="utf-8")
    env_list = next(line for line in tox.splitlines() if line.startswith("env_list"))
    assert "consumers" in env_list
    assert "[testenv:consumers]" in tox


KOTLIN_OK = (
    "java consumer: kotlin: ApiSource: CostsResult.api_source: kotlin.String (keeps the value)\n"
    "java consumer: kotlin: CostQuantityUnit: CostsResult.quantity_unit: kotlin.String (keeps the value)\n"
)


def test_kotlin_keeping_every_open_enum_passes() -> None:
    assert RUN._kotlin_keeps_open_enums(KOTLIN_OK) == []


@pytest.mark.parametrize(
    "stderr",
    [
        KOTLIN_OK.replace("kotlin.String (keeps the value)", "ApiSource (EMPTY class: the value is dropped)", 1),
        KOTLIN_OK.splitlines()[0],
        "",
    ],
    ids=["a dropped value", "a missing enum", "no report"],
)
def test_kotlin_dropping_or_not_reporting_an_open_enum_fails(stderr: str) -> None:
    assert RUN._kotlin_keeps_open_enums(stderr)


ADMIN = {q["operation"]: q for q in PLAN["admin_queries"]}
ADMIN_LISTS = {op.operation_id: op for op in ADMIN_OPERATIONS if op.operation_id.startswith("list")}


def _admin_operation(operation_id: str) -> Operation:
    return next(op for op in ADMIN_OPERATIONS if op.operation_id == operation_id)


def test_the_admin_plan_covers_every_list_and_both_spend_limit_reads() -> None:
    assert set(ADMIN) == set(ADMIN_LISTS) | {"getOrganizationSpendLimit", "getProjectSpendLimit"}
    assert all(q["paged"] == (name in ADMIN_LISTS) for name, q in ADMIN.items())


@pytest.mark.parametrize("name", sorted(ADMIN))
def test_each_admin_query_fits_its_operation(name: str) -> None:
    query = ADMIN[name]
    op = _admin_operation(name)
    assert op.path == query["path"]
    declared = {p["name"]: p for p in op.parameters}
    assert set(query["path_params"]) == {n for n, p in declared.items() if p["in"] == "path"}
    assert set(query["params"]) <= {n for n, p in declared.items() if p["in"] == "query"}
    if query["paged"]:  # small pages, so every consumer really follows `after`
        assert query["params"]["limit"] <= 2
    item = resolve({"$ref": f"#/components/schemas/{op.page_schema}"})
    if query["paged"]:
        item = resolve(item["properties"]["data"]["items"])
    assert query["sum_field"] in item["required"]
    assert resolve(item["properties"][query["sum_field"]])["type"] == "integer"


def test_admin_totals_are_compared_on_their_own_keys() -> None:
    want = {"listUsers": {"pages": 3, "items": 6, "sum": 10426091545}}
    assert RUN.compare(want, {"listUsers": {"pages": 3, "items": 6, "sum": 10426091545}}) == []
    problems = RUN.compare(want, {"listUsers": {"pages": 1, "items": 2, "sum": 10426091545}})
    assert problems == ["listUsers: pages 1, expected 3", "listUsers: items 2, expected 6"]


def test_the_official_sdk_consumer_runs_in_the_consumers_env_on_the_admin_queries() -> None:
    sdk = RUN.CONSUMERS["openai-sdk"]
    assert sdk.scope == "admin"
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "openai==3.57.*" in pyproject["project"]["optional-dependencies"]["consumers"]


def _sdk_consumer() -> ModuleType:
    return load_script("tools/consumers/openai_sdk_consumer.py", "openai_sdk_consumer")


def test_the_sdk_consumer_maps_every_admin_query_to_an_sdk_method() -> None:
    # The SDK itself runs in `tox -e consumers`; here only that no query lacks a mapping.
    assert set(_sdk_consumer().calls(MagicMock())) == set(ADMIN)


class _Owner(BaseModel):
    model_config = ConfigDict(extra="allow")  # as the SDK's models: unknown keys are kept, not refused
    name: str


class _Key(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    owners: list[_Owner]


def test_the_sdk_consumer_finds_fields_a_lenient_model_kept_at_any_depth() -> None:
    find = _sdk_consumer().unknown_fields
    assert list(find(_Key.model_validate({"id": "key_a", "owners": [{"name": "Ada"}]}))) == []
    extra = _Key.model_validate({"id": "key_a", "owners": [{"name": "Ada", "email": "a@x"}], "mode": 1})
    assert sorted(find(extra)) == ["$.mode", "$.owners[0].email"]
