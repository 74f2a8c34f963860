"""openapi.yaml says what the live API does (facts sheet: endpoints, parameters, fields, rules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.generated.spec_helpers import OPERATIONS, SPEC, Operation, resolve

FOUR = {"project_id", "user_id", "api_key_id", "model"}
COMPLETIONS_GROUPS = FOUR | {"batch", "service_tier", "api_source"}
TOKEN_FILTERS = {"project_ids", "user_ids", "api_key_ids", "models"}

# operationId -> (path, result object, group_by values, filters beyond the common ones)
FACTS: dict[str, tuple[str, str, set[str], set[str]]] = {
    "usageCompletions": ("/organization/usage/completions", "organization.usage.completions.result",
                         COMPLETIONS_GROUPS, TOKEN_FILTERS | {"batch"}),
    "usageEmbeddings": ("/organization/usage/embeddings", "organization.usage.embeddings.result", FOUR, TOKEN_FILTERS),
    "usageModerations": ("/organization/usage/moderations", "organization.usage.moderations.result", FOUR,
                         TOKEN_FILTERS),
    "usageImages": ("/organization/usage/images", "organization.usage.images.result", FOUR | {"size", "source"},
                    TOKEN_FILTERS | {"sources", "sizes"}),
    "usageAudioSpeeches": ("/organization/usage/audio_speeches", "organization.usage.audio_speeches.result", FOUR,
                           TOKEN_FILTERS),
    "usageAudioTranscriptions": ("/organization/usage/audio_transcriptions",
                                 "organization.usage.audio_transcriptions.result", FOUR, TOKEN_FILTERS),
    "usageVectorStores": ("/organization/usage/vector_stores", "organization.usage.vector_stores.result",
                          {"project_id"}, {"project_ids"}),
    "usageCodeInterpreterSessions": ("/organization/usage/code_interpreter_sessions",
                                     "organization.usage.code_interpreter_sessions.result", {"project_id"},
                                     {"project_ids"}),
    "usageFileSearchCalls": ("/organization/usage/file_search_calls", "organization.usage.file_searches.result",
                             {"project_id", "user_id", "api_key_id", "vector_store_id"},
                             {"project_ids", "user_ids", "api_key_ids", "vector_store_ids"}),
    "usageWebSearchCalls": ("/organization/usage/web_search_calls", "organization.usage.web_searches.result",
                            FOUR | {"context_level", "api_source"}, TOKEN_FILTERS | {"context_levels"}),
    "usageDecisions": ("/organization/usage/decisions", "organization.usage.decisions.result", COMPLETIONS_GROUPS,
                       TOKEN_FILTERS | {"batch"}),
    "usageCosts": ("/organization/costs", "organization.costs.result",
                   {"project_id", "user_id", "line_item", "api_key_id", "api_source"},
                   {"project_ids", "api_key_ids", "line_items"}),
}  # fmt: skip

# operationId -> (counters every sample carries and the official spec requires, every other field) of its result type
COMPLETIONS_COUNTS = {
    "input_cached_tokens", "input_cache_write_tokens", "input_cache_write_30m_tokens", "input_cache_write_12h_tokens",
    "input_uncached_tokens", "input_text_tokens", "input_cached_text_tokens", "input_audio_tokens",
    "input_cached_audio_tokens", "input_image_tokens", "input_cached_image_tokens", "output_text_tokens",
    "output_audio_tokens", "output_image_tokens",
}  # fmt: skip
COMPLETIONS_OPTIONAL = COMPLETIONS_COUNTS | COMPLETIONS_GROUPS
FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "usageCompletions": ({"input_tokens", "output_tokens", "num_model_requests"}, COMPLETIONS_OPTIONAL),
    "usageDecisions": ({"input_tokens", "output_tokens", "num_model_requests"}, COMPLETIONS_OPTIONAL),
    "usageEmbeddings": ({"input_tokens", "num_model_requests"}, FOUR),
    "usageModerations": ({"input_tokens", "num_model_requests"}, FOUR),
    "usageImages": ({"images", "num_model_requests"}, FOUR | {"source", "size"}),
    "usageAudioSpeeches": ({"characters", "num_model_requests"}, FOUR),
    "usageAudioTranscriptions": ({"seconds", "num_model_requests"}, FOUR),
    "usageVectorStores": ({"usage_bytes"}, {"project_id"}),
    "usageCodeInterpreterSessions": ({"num_sessions"}, {"project_id"}),
    "usageFileSearchCalls": ({"num_requests"}, {"project_id", "user_id", "api_key_id", "vector_store_id"}),
    "usageWebSearchCalls": ({"num_model_requests", "num_requests"}, FOUR | {"context_level", "api_source"}),
    "usageCosts": (set(), {"amount", "line_item", "project_id", "api_key_id", "user_id", "quantity",
                           "quantity_unit", "api_source", "organization_id"}),
}  # fmt: skip
OPEN_ENUMS = {
    "ApiSource": ["agents_api", "unlabeled"],
    "CostQuantityUnit": ["tokens", "1000_tokens", "duration_seconds", "duration_minutes", "duration_hours",
                         "gibibyte_hours", "images", "characters"],
}  # fmt: skip

IDS = [op.operation_id for op in OPERATIONS]


def _param(op: Operation, name: str) -> dict[str, Any]:
    return next(p for p in op.parameters if p["name"] == name)


def _enum(schema: dict[str, Any]) -> set[str]:
    return set(resolve(schema)["enum"])


def test_contract_covers_exactly_the_twelve_endpoints() -> None:
    assert {op.operation_id: op.path for op in OPERATIONS} == {k: v[0] for k, v in FACTS.items()}


def test_contract_has_two_tags_and_the_public_server() -> None:
    assert SPEC["servers"][0]["url"] == "https://api.openai.com/v1"
    assert [t["name"] for t in SPEC["tags"]] == ["Usage", "Admin"]
    assert {tag for item in SPEC["paths"].values() for tag in item["get"]["tags"]} == {"Usage", "Admin"}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_group_by_values_match_the_facts(op: Operation) -> None:
    assert _enum(_param(op, "group_by")["schema"]["items"]) == FACTS[op.operation_id][2]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_filters_match_the_facts(op: Operation) -> None:
    common = {"start_time", "end_time", "bucket_width", "group_by", "limit", "page"}
    assert {p["name"] for p in op.parameters} - common == FACTS[op.operation_id][3]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_only_start_time_is_required_and_no_query_default_is_declared(op: Operation) -> None:
    assert [p["name"] for p in op.parameters if p.get("required")] == ["start_time"]
    assert all("default" not in resolve(p["schema"]) for p in op.parameters)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_bucket_widths_and_limit_rules(op: Operation) -> None:
    widths = _enum(_param(op, "bucket_width")["schema"])
    limit = _param(op, "limit")
    if op.operation_id == "usageCosts":
        assert widths == {"1d"}
        assert limit["x-bucket-limits"] == {"1d": {"default": 7, "maximum": 180}}
    else:
        assert widths == {"1m", "1h", "1d"}
        assert limit["x-bucket-limits"] == {
            "1d": {"default": 7, "maximum": 31},
            "1h": {"default": 24, "maximum": 168},
            "1m": {"default": 60, "maximum": 1440},
        }
    assert limit["schema"]["minimum"] == 1
    assert limit["schema"]["maximum"] == max(rule["maximum"] for rule in limit["x-bucket-limits"].values())


def test_filter_enums_match_the_facts() -> None:
    images = next(op for op in OPERATIONS if op.operation_id == "usageImages")
    web = next(op for op in OPERATIONS if op.operation_id == "usageWebSearchCalls")
    assert _enum(_param(images, "sources")["schema"]["items"]) == {"image.generation", "image.edit", "image.variation"}
    assert _enum(_param(images, "sizes")["schema"]["items"]) == {
        "256x256", "512x512", "1024x1024", "1792x1792", "1024x1792", "1792x1024"
    }  # fmt: skip
    assert _enum(_param(web, "context_levels")["schema"]["items"]) == {"low", "medium", "high"}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_result_fields_and_object_const_match_the_facts(op: Operation) -> None:
    schema = op.result_schema()
    core, others = FIELDS[op.operation_id]
    assert schema["properties"]["object"]["const"] == FACTS[op.operation_id][1]
    assert set(schema["properties"]) == {"object"} | core | others


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_required_lists_only_the_keys_every_sample_carries(op: Operation) -> None:
    # The official spec's own required list, which every real and official sample carries (issue 24).
    schema = op.result_schema()
    core, _ = FIELDS[op.operation_id]
    assert set(schema["required"]) == {"object"} | core


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_result_schemas_cite_their_evidence(op: Operation) -> None:
    evidence = op.result_schema()["x-evidence"]
    assert evidence.startswith("required: ") and ("official spec" in evidence or "official SDK" in evidence)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_no_schema_keeps_a_second_required_list(op: Operation) -> None:
    assert "x-tolerant-required" not in op.result_schema()


def test_costs_amount_is_optional_and_so_are_its_value_and_currency() -> None:
    costs = next(op for op in OPERATIONS if op.operation_id == "usageCosts").result_schema()
    amount = resolve(costs["properties"]["amount"])
    assert "amount" not in costs["required"]
    assert "required" not in amount


def test_costs_results_carry_a_nullable_organization_id() -> None:
    costs = next(op for op in OPERATIONS if op.operation_id == "usageCosts").result_schema()
    assert costs["properties"]["organization_id"]["type"] == ["string", "null"]
    assert "organization_id" not in costs["required"]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_optional_scalar_is_nullable(op: Operation) -> None:
    schema = op.result_schema()
    for name, node in schema["properties"].items():
        types = resolve(node).get("type", [])
        optional_scalar = name not in schema["required"] and name != "amount"
        assert ("null" in types) is optional_scalar, name


@pytest.mark.parametrize(("name", "known"), OPEN_ENUMS.items(), ids=list(OPEN_ENUMS))
def test_open_enums_are_plain_strings_with_the_known_values_in_an_extension(name: str, known: list[str]) -> None:
    schema = SPEC["components"]["schemas"][name]
    assert schema["type"] == ["string", "null"]
    assert not {"enum", "anyOf", "oneOf", "const"} & set(schema)
    assert schema["x-known-values"] == known
    assert set(schema["examples"]) <= set(known)


def _walk(node: Any, at: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield at, node
        for key, value in node.items():
            yield from _walk(value, f"{at}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{at}[{i}]")


def test_times_are_bounded_where_client_and_sandbox_agree() -> None:
    for name in ("StartTime", "EndTime"):
        assert SPEC["components"]["parameters"][name]["schema"]["maximum"] == 2**40 - 1


def test_every_integer_is_int64() -> None:
    integers = [(at, node) for at, node in _walk(SPEC) if "integer" in (node.get("type") or [])]
    assert len(integers) > 70
    assert [at for at, node in integers if node.get("format") != "int64"] == []


def test_closed_enums_have_one_constant_name_per_value() -> None:
    enums = {name: s for name, s in SPEC["components"]["schemas"].items() if "enum" in s}
    assert enums
    for name, schema in enums.items():
        names = schema["x-enum-varnames"]
        assert len(names) == len(schema["enum"]) == len(set(names)), name
        assert all(n.isidentifier() and n.isupper() and not n[0].isdigit() for n in names), name


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_pagination_extension_names_real_parameters_and_page_fields(op: Operation) -> None:
    pagination = SPEC["paths"][op.path]["get"]["x-pagination"]
    assert pagination == {
        "type": "cursor", "cursor-param": "page", "next-cursor-field": "next_page", "has-more-field": "has_more",
        "items-field": "data", "limit-param": "limit",
    }  # fmt: skip
    page = SPEC["components"]["schemas"][op.page_schema]
    names = {p["name"] for p in op.parameters}
    assert {pagination["cursor-param"], pagination["limit-param"]} <= names
    fields = {pagination[k] for k in ("next-cursor-field", "has-more-field", "items-field")}
    assert fields <= set(page["required"])
    assert page["properties"][pagination["items-field"]]["type"] == "array"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_parameter_but_the_cursor_has_an_example_of_its_type(op: Operation) -> None:
    # A cursor is only valid for the query that produced it: an example would be a request the server refuses.
    assert "example" not in _param(op, "page")
    for param in op.parameters:
        if param["name"] == "page":
            continue
        example, schema = param["example"], resolve(param["schema"])
        if schema["type"] == "array":
            assert example and all(isinstance(v, str) for v in example), param["name"]
            items = resolve(schema["items"])
            assert set(example) <= set(items.get("enum", example)), param["name"]
        else:
            expected = {"integer": int, "string": str, "boolean": bool}[schema["type"]]
            assert type(example) is expected, param["name"]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_array_parameters_are_sent_exploded(op: Operation) -> None:
    for param in op.parameters:
        if resolve(param["schema"])["type"] == "array":
            assert (param["style"], param["explode"]) == ("form", True), param["name"]


def test_line_items_say_values_contain_commas() -> None:
    line_items = SPEC["components"]["parameters"]["LineItems"]
    assert "contain commas" in line_items["description"]
    assert any("," in value for value in line_items["example"])


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_server_defaults_are_stated_without_a_schema_default(op: Operation) -> None:
    width, limit = _param(op, "bucket_width"), _param(op, "limit")
    assert width["x-server-default"] == "1d"
    assert "`1d` when omitted" in width["description"] or "uses it when omitted" in width["description"]
    if op.operation_id == "usageCosts":
        assert limit["x-server-default"] == 7
    else:
        assert "x-server-default" not in limit  # it depends on the width: x-bucket-limits
    assert "x-bucket-limits" in limit["description"]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_each_operation_states_its_bucket_edges(op: Operation) -> None:
    text = SPEC["paths"][op.path]["get"]["description"]
    if op.operation_id == "usageCosts":
        assert "whole UTC days" in text and "midnight (UTC) at or before `start_time`" in text
    else:
        assert "first bucket starts at `start_time` rounded down to the minute" in text
        assert "ends at `end_time` or at the time of the request, whichever is earlier" in text


def test_image_sizes_accept_the_real_landscape_size_and_say_why() -> None:
    sizes = SPEC["components"]["schemas"]["ImageSize"]
    assert "1792x1024" in sizes["enum"]
    assert "DALL-E 3" in sizes["description"]


def test_info_has_a_contact_and_explains_the_extensions() -> None:
    info = SPEC["info"]
    assert info["contact"]["name"]
    for extension in ("x-pagination", "x-bucket-limits", "x-server-default", "x-known-values", "x-enum-varnames",
                      "x-evidence"):  # fmt: skip
        assert f"`{extension}`" in info["description"], extension


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_page_envelope_has_a_required_nullable_cursor(op: Operation) -> None:
    page = SPEC["components"]["schemas"][op.page_schema]
    assert set(page["required"]) == {"object", "data", "has_more", "next_page"}
    assert page["properties"]["next_page"]["type"] == ["string", "null"]
    assert page["properties"]["object"]["const"] == "page"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_errors_and_security_are_declared(op: Operation) -> None:
    responses = SPEC["paths"][op.path]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "429", "5XX"} <= set(responses)
    too_many = resolve(responses["429"])
    assert "Retry-After" in too_many["headers"]
    assert SPEC["security"] == [{"AdminApiKeyAuth": []}]
    scheme = SPEC["components"]["securitySchemes"]["AdminApiKeyAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
