"""The Java consumer's harness (tools/consumers/java/run.py): the parts that need no JDK.

The full run (generate, javac, call the sandbox) is the consumers' tox env; these check the harness's own logic:
the edit it makes to the generated sources, the plan it hands to Consumer.java, and how it compares totals.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.tools.consumers import REPO, load

run = load("tools/consumers/java/run.py", "java_consumer_run")

# What openapi-generator 7.26.0 (`native`, Jackson 2) writes; trimmed to the lines around the jsr310 use.
API_CLIENT = """package oai.usage.client;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.OffsetDateTime;

public class ApiClient {
  public static ObjectMapper createDefaultObjectMapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    mapper.registerModule(new JavaTimeModule());
    mapper.registerModule(new RFC3339JavaTimeModule());
    return mapper;
  }
}
"""
JSON_JAVA = """package oai.usage.client;

import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

public class JSON {
    mapper = JsonMapper.builder()
        .defaultDateFormat(new RFC3339DateFormat())
        .addModule(new JavaTimeModule())
        .build();
}
"""
NO_DATES: dict[str, Any] = {"paths": {}, "components": {"schemas": {"T": {"type": "integer", "format": "int64"}}}}


def _generated_tree(root: Path) -> Path:
    invoker = root / "oai" / "usage" / "client"
    invoker.mkdir(parents=True)
    (invoker / "ApiClient.java").write_text(API_CLIENT)
    (invoker / "JSON.java").write_text(JSON_JAVA)
    (invoker / "RFC3339JavaTimeModule.java").write_text("class RFC3339JavaTimeModule extends SimpleModule {}\n")
    (invoker / "RFC3339InstantDeserializer.java").write_text("import com.fasterxml.jackson.datatype.jsr310.x;\n")
    return invoker


def test_strip_jsr310_removes_the_time_modules_and_keeps_the_rest(tmp_path: Path) -> None:
    invoker = _generated_tree(tmp_path)

    run.strip_jsr310(tmp_path, NO_DATES)

    client = (invoker / "ApiClient.java").read_text()
    json_java = (invoker / "JSON.java").read_text()
    assert "JavaTimeModule" not in client + json_java
    assert "jsr310" not in client + json_java
    assert "mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);\n    return mapper;" in client
    assert ".defaultDateFormat(new RFC3339DateFormat())\n        .build();" in json_java
    assert sorted(p.name for p in invoker.iterdir()) == ["ApiClient.java", "JSON.java"]


def test_strip_jsr310_refuses_a_spec_with_a_date_time_field(tmp_path: Path) -> None:
    _generated_tree(tmp_path)
    spec = {"components": {"schemas": {"Bucket": {"properties": {"at": {"type": "string", "format": "date-time"}}}}}}

    with pytest.raises(run.StepError, match="/components/schemas/Bucket/properties/at"):
        run.strip_jsr310(tmp_path, spec)
    assert "JavaTimeModule()" in (tmp_path / "oai" / "usage" / "client" / "ApiClient.java").read_text()


def test_strip_jsr310_refuses_a_use_it_does_not_know(tmp_path: Path) -> None:
    invoker = _generated_tree(tmp_path)
    (invoker / "Other.java").write_text("import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;\n")

    with pytest.raises(run.StepError, match=r"Other\.java"):
        run.strip_jsr310(tmp_path, NO_DATES)


def _client_dir(root: Path) -> Path:
    api = root / "src" / "main" / "java" / "oai" / "usage" / "client" / "api"
    api.mkdir(parents=True)
    (api / "UsageApi.java").write_text("public class UsageApi {}\n")
    return root


COSTS_QUERY: dict[str, Any] = {
    "operation": "costs",
    "path": "/organization/costs",
    "params": {"start_time": 1792454400, "bucket_width": "1d", "limit": 4, "group_by": ["project_id", "line_item"]},
    "sum_field": "amount.value",
}


def test_plan_names_the_operation_id_and_the_pagination_of_the_spec(tmp_path: Path) -> None:
    paging = {"cursor-param": "after", "next-cursor-field": "cursor", "has-more-field": "more", "items-field": "items"}
    spec = {"paths": {"/organization/costs": {"get": {"operationId": "usage_costs", "x-pagination": paging}}}}

    plan = run.make_plan(spec, [COSTS_QUERY], "http://127.0.0.1:9/v1", _client_dir(tmp_path))

    assert plan["api_classes"] == ["oai.usage.client.api.UsageApi"]
    assert plan["base_url"] == "http://127.0.0.1:9/v1"
    (query,) = plan["queries"]
    assert query["operation_id"] == "usage_costs"
    assert query["pagination"] == paging
    assert query["params"] == COSTS_QUERY["params"]


def test_plan_falls_back_to_page_next_page_has_more_data(tmp_path: Path) -> None:
    spec = {"paths": {"/organization/costs": {"get": {"operationId": "usage_costs"}}}}

    plan = run.make_plan(spec, [COSTS_QUERY], "http://127.0.0.1:9/v1", _client_dir(tmp_path))

    assert plan["queries"][0]["pagination"] == {
        "cursor-param": "page",
        "next-cursor-field": "next_page",
        "has-more-field": "has_more",
        "items-field": "data",
    }


def test_plan_refuses_a_query_whose_path_the_spec_lacks(tmp_path: Path) -> None:
    with pytest.raises(run.StepError, match="costs: the spec has no GET /organization/costs"):
        run.make_plan({"paths": {}}, [COSTS_QUERY], "http://127.0.0.1:9/v1", _client_dir(tmp_path))


def test_the_real_spec_has_an_operation_id_for_every_query(spec: dict[str, Any], tmp_path: Path) -> None:
    queries = json.loads((REPO / "tools" / "consumers" / "queries.json").read_text())["queries"]

    plan = run.make_plan(spec, queries, "http://127.0.0.1:9/v1", _client_dir(tmp_path))

    assert len({q["operation_id"] for q in plan["queries"]}) == len(queries) == 12


def test_differences_counts_and_integer_sums_exactly() -> None:
    java = {"vector_stores": {"pages": 3, "buckets": 72, "results": 263, "sum": 121320243200}}
    python = {"vector_stores": {"pages": 3, "buckets": 72, "results": 263, "sum": 121320243201}}

    assert run.differences(java, python) == ["vector_stores.sum: java 121320243200 != python 121320243201"]


def test_differences_allows_float_rounding_in_decimal_sums_only() -> None:
    java = {"costs": {"pages": 3, "buckets": 12, "results": 1341, "sum": 11805.6202663624}}

    rounding = {"costs": {**java["costs"], "sum": 11805.620266362401}}
    a_cent = {"costs": {**java["costs"], "sum": 11805.6302663624}}

    assert run.differences(java, rounding) == []
    assert run.differences(java, a_cent) == ["costs.sum: java 11805.6202663624 != python 11805.6302663624"]


def test_differences_reports_an_operation_one_side_lacks() -> None:
    figures = {"pages": 1, "buckets": 1, "results": 0, "sum": 0}

    assert run.differences({"images": figures}, {"images": figures, "costs": figures}) == ["costs: only in python"]


def test_dotted_reads_nested_fields_and_absent_or_null_is_none() -> None:
    result = {"amount": {"value": 1.5, "currency": "usd"}, "project_id": None}

    assert run.dotted(result, "amount.value") == 1.5
    assert run.dotted(result, "project_id.name") is None
    assert run.dotted({"amount": None}, "amount.value") is None
    assert run.dotted({}, "input_tokens") is None


def test_open_enums_are_found_in_both_spellings() -> None:
    schemas = {
        "ApiSource": {"type": ["string", "null"], "x-known-values": ["agents_api", "unlabeled"]},
        "CostQuantityUnit": {"anyOf": [{"$ref": "#/components/schemas/Known"}, {"type": "string"}, {"type": "null"}]},
        "Known": {"type": "string", "enum": ["tokens"]},
        "ImageSize": {"type": "string", "enum": ["256x256"]},
    }

    assert run.open_enum_names(schemas) == {"ApiSource", "CostQuantityUnit"}


def test_refs_of_follows_any_of_and_items() -> None:
    prop = {"anyOf": [{"$ref": "#/components/schemas/ApiSource"}, {"type": "null"}]}
    array = {"type": "array", "items": {"$ref": "#/components/schemas/Group"}}

    assert run.refs_of(prop) == {"ApiSource"}
    assert run.refs_of(array) == {"Group"}
    assert run.refs_of({"type": "string"}) == set()


def test_generator_jar_names_the_pin_when_another_version_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run.importlib.metadata, "version", lambda name: "7.25.0")

    with pytest.raises(run.StepError, match=r"openapi-generator-cli==7\.26\.0 \(found 7\.25\.0\).*requirements\.txt"):
        run.generator_jar()


def test_fresh_build_dir_refuses_to_clear_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\n")

    with pytest.raises(run.StepError, match="refusing to clear"):
        run.fresh_build_dir(tmp_path)
    assert (tmp_path / "openapi.yaml").is_file()


def test_fresh_build_dir_empties_its_own_folder(tmp_path: Path) -> None:
    build = run.fresh_build_dir(tmp_path / "build")
    (build / "classes").mkdir()

    assert run.fresh_build_dir(build) == build
    assert [p.name for p in build.iterdir()] == [run.BUILD_MARKER]


def test_the_build_digest_follows_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\n")
    first = run.build_digest(spec)
    assert run.build_digest(spec) == first
    spec.write_text("openapi: 3.1.0\ninfo: {}\n")
    assert run.build_digest(spec) != first
