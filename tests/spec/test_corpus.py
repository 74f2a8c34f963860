"""Every page of the corpus (tests/corpus: the shapes of real and official samples) validates against openapi.yaml
in strict mode: JSON Schema 2020-12 as written, so unknown keys pass and every `required` key is enforced."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import load_spec
from tests.corpus import ADMIN_QUERIES, QUERIES, every_page, pages

SPEC = load_spec()
PAGES = every_page()
IDS = [name for _, name, _ in PAGES]
COOKBOOK_COMPLETIONS = {
    "object", "input_tokens", "output_tokens", "num_model_requests", "project_id", "user_id", "api_key_id", "model",
    "batch", "input_cached_tokens", "input_audio_tokens", "output_audio_tokens",
}  # fmt: skip


def _validator(path: str) -> Draft202012Validator:
    content = SPEC["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = {"$ref": content["schema"]["$ref"], "components": SPEC["components"]}
    return Draft202012Validator(schema)


def _query(operation: str) -> dict[str, Any]:
    return next(q for q in QUERIES + ADMIN_QUERIES if q["operation"] == operation)


def _results(operation: str) -> list[dict[str, Any]]:
    return [r for page in pages(_query(operation)) for b in page["data"] for r in b["results"]]


@pytest.mark.parametrize(("path", "name", "page"), PAGES, ids=IDS)
def test_every_corpus_page_validates_against_the_contract(path: str, name: str, page: dict[str, Any]) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(path).iter_errors(page)]
    assert errors == []


def test_strict_mode_enforces_required_keys() -> None:
    page = pages(_query("completions"))[0]
    del page["data"][0]["results"][0]["num_model_requests"]
    assert not _validator("/organization/usage/completions").is_valid(page)


def test_strict_mode_lets_unknown_keys_through() -> None:
    page = pages(_query("completions"))[0]
    page["data"][0]["results"][0]["input_cache_write_1w_tokens"] = 5
    assert _validator("/organization/usage/completions").is_valid(page)


def test_completions_results_have_the_captured_keys_and_nothing_newer() -> None:
    assert all(set(r) == COOKBOOK_COMPLETIONS for r in _results("completions"))


def test_costs_results_of_the_capture_name_the_organization_and_lack_the_newer_keys() -> None:
    captured = [r for b in pages(_query("costs"))[0]["data"] for r in b["results"]]
    assert all(set(r) == {"object", "amount", "line_item", "project_id", "organization_id"} for r in captured)


def test_the_corpus_keeps_the_observed_edges() -> None:
    query = _query("completions")
    completions = [b for page in pages(query) for b in page["data"]]
    start = query["params"]["start_time"]
    assert start % 60 and completions[0]["start_time"] == start - start % 60  # rounded down to the minute
    assert completions[-1]["end_time"] % 86400  # the last bucket ends at the request time
    assert any(b["results"] == [] for b in completions)
    costs = [b for page in pages(_query("costs")) for b in page["data"]]
    assert costs[0]["start_time"] == start - start % 86400  # the UTC midnight before start_time


def test_admin_keys_follow_the_official_examples_without_expiry() -> None:
    keys = [k for page in pages(_query("listAdminApiKeys")) for k in page["data"]]
    assert sum("expires_at" not in k for k in keys) == 2 and len(keys) == 3


@pytest.mark.parametrize("operation", ["web_search_calls", "completions"])
def test_results_without_api_source_are_in_the_corpus(operation: str) -> None:
    assert all("api_source" not in r for r in _results(operation))
