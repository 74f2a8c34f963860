"""`--shape legacy`: the older response shape real captures show (issue 24); `current` keeps every key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig
from oai_usage_sandbox.endpoints import BY_PATH
from oai_usage_sandbox.options import build_arg_parser, config_from_args
from oai_usage_sandbox.shapes import organization_id

from .conftest import DAY, NOW, TODAY, call, ok, usage
from .test_spec_alignment import violations

COSTS = "/v1/organization/costs"
COOKBOOK_COMPLETIONS = {
    "object", "input_tokens", "output_tokens", "num_model_requests", "project_id", "user_id", "api_key_id", "model",
    "batch", "input_cached_tokens", "input_audio_tokens", "output_audio_tokens",
}  # fmt: skip
COOKBOOK_COSTS = {"object", "amount", "line_item", "project_id", "organization_id"}


@pytest.fixture(scope="module")
def legacy() -> Sandbox:
    return Sandbox(SandboxConfig(seed=7, now=NOW, shape="legacy"))


def _rows(page: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [row for bucket in page["data"] for row in bucket["results"]]
    assert rows
    return rows


def test_legacy_completions_results_carry_the_captured_keys_only(legacy: Sandbox) -> None:
    rows = _rows(ok(legacy, usage("completions"), [("start_time", TODAY - 3 * DAY)]))
    assert all(set(row) == COOKBOOK_COMPLETIONS for row in rows)


def test_legacy_costs_results_carry_organization_id_and_no_newer_key(legacy: Sandbox) -> None:
    rows = _rows(ok(legacy, COSTS, [("start_time", TODAY - 3 * DAY)]))
    assert all(set(row) == COOKBOOK_COSTS for row in rows)
    assert {row["organization_id"] for row in rows} == {organization_id(7)}


def test_legacy_web_search_results_have_no_api_source(legacy: Sandbox) -> None:
    rows = _rows(ok(legacy, usage("web_search_calls"), [("start_time", TODAY - 3 * DAY)]))
    assert all("api_source" not in row and "num_requests" in row for row in rows)


def test_legacy_embeddings_results_are_unchanged(legacy: Sandbox, sandbox: Sandbox) -> None:
    query = [("start_time", TODAY - 3 * DAY)]
    assert ok(legacy, usage("embeddings"), query) == ok(sandbox, usage("embeddings"), query)


def test_current_costs_results_also_name_the_organization(sandbox: Sandbox) -> None:
    rows = _rows(ok(sandbox, COSTS, [("start_time", TODAY - 3 * DAY)]))
    assert {row["organization_id"] for row in rows} == {organization_id(7)}


@pytest.mark.parametrize(("path", "dimension"), [(usage("completions"), "service_tier"), (COSTS, "api_key_id")])
def test_legacy_refuses_grouping_by_a_key_it_never_sends(legacy: Sandbox, path: str, dimension: str) -> None:
    status, body = call(legacy, path, [("start_time", TODAY - DAY), ("group_by", dimension)])
    assert (status, body["error"]["param"]) == (400, "group_by")


def test_legacy_admin_keys_have_no_expiry(legacy: Sandbox) -> None:
    keys = ok(legacy, "/v1/organization/admin_api_keys")["data"]
    assert keys and all("expires_at" not in key for key in keys)


@pytest.mark.parametrize("path", sorted(BY_PATH))
def test_legacy_pages_validate_against_the_spec(spec: dict[str, Any], legacy: Sandbox, path: str) -> None:
    page = ok(legacy, "/v1" + path, [("start_time", TODAY - 3 * DAY)])
    page_ref = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert violations(spec, {"$ref": page_ref}, page) == []


def test_organization_id_is_stable_and_looks_like_the_real_ones() -> None:
    assert organization_id(7) == organization_id(7) != organization_id(8)
    assert re.fullmatch(r"org-[A-Za-z0-9]{24}", organization_id(7))


def test_the_shape_option_reaches_the_config() -> None:
    args = build_arg_parser().parse_args(["--shape", "legacy"])
    assert config_from_args(args).shape == "legacy"
    assert config_from_args(build_arg_parser().parse_args([])).shape == "current"


def test_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="shape must be one of current, legacy"):
        SandboxConfig(shape="newest")
