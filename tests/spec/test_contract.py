"""openapi.yaml says what the live API does (facts sheet: endpoints, parameters, fields, rules)."""

from __future__ import annotations

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

# operationId -> (required counters, optional fields) of its result type
COMPLETIONS_OPTIONAL = {
    "input_cached_tokens", "input_cache_write_tokens", "input_cache_write_30m_tokens", "input_cache_write_12h_tokens",
    "input_uncached_tokens", "input_text_tokens", "input_cached_text_tokens", "input_audio_tokens",
    "input_cached_audio_tokens", "input_image_tokens", "input_cached_image_tokens", "output_text_tokens",
    "output_audio_tokens", "output_image_tokens",
} | COMPLETIONS_GROUPS  # fmt: skip
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
                           "quantity_unit", "api_source"}),
}  # fmt: skip

IDS = [op.operation_id for op in OPERATIONS]


def _param(op: Operation, name: str) -> dict[str, Any]:
    return next(p for p in op.parameters if p["name"] == name)


def _enum(schema: dict[str, Any]) -> set[str]:
    return set(resolve(schema)["enum"])


def test_contract_covers_exactly_the_twelve_endpoints() -> None:
    assert {op.operation_id: op.path for op in OPERATIONS} == {k: v[0] for k, v in FACTS.items()}


def test_contract_has_one_tag_and_the_public_server() -> None:
    assert SPEC["servers"][0]["url"] == "https://api.openai.com/v1"
    assert [t["name"] for t in SPEC["tags"]] == ["Usage"]
    assert {tag for item in SPEC["paths"].values() for tag in item["get"]["tags"]} == {"Usage"}


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
        "256x256", "512x512", "1024x1024", "1792x1792", "1024x1792"
    }  # fmt: skip
    assert _enum(_param(web, "context_levels")["schema"]["items"]) == {"low", "medium", "high"}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_result_fields_and_object_const_match_the_facts(op: Operation) -> None:
    schema = op.result_schema()
    required, optional = FIELDS[op.operation_id]
    assert schema["properties"]["object"]["const"] == FACTS[op.operation_id][1]
    assert set(schema["required"]) == {"object"} | required
    assert set(schema["properties"]) == {"object"} | required | optional


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_optional_fields_are_nullable(op: Operation) -> None:
    schema = op.result_schema()
    for name in set(schema["properties"]) - set(schema["required"]) - {"amount"}:
        node = schema["properties"][name]
        types = node.get("type") or [resolve(alt).get("type") for alt in resolve(node)["anyOf"]]
        assert "null" in types, name


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
