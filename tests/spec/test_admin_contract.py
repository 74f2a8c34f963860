"""openapi.yaml's Admin read operations say what the facts sheet says (paths, ids, params, fields, units, paging)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SPEC_PATH
from tests.generated.spec_helpers import ADMIN_OPERATIONS, SPEC, Operation, resolve
from tests.sandbox.test_spec_alignment import violations

# operationId -> path (facts sheet, section 2; our operationIds are camelCase and stable)
PATHS = {
    "listProjects": "/organization/projects",
    "retrieveProject": "/organization/projects/{project_id}",
    "listUsers": "/organization/users",
    "retrieveUser": "/organization/users/{user_id}",
    "listProjectApiKeys": "/organization/projects/{project_id}/api_keys",
    "retrieveProjectApiKey": "/organization/projects/{project_id}/api_keys/{api_key_id}",
    "listProjectServiceAccounts": "/organization/projects/{project_id}/service_accounts",
    "retrieveProjectServiceAccount": "/organization/projects/{project_id}/service_accounts/{service_account_id}",
    "listProjectUsers": "/organization/projects/{project_id}/users",
    "retrieveProjectUser": "/organization/projects/{project_id}/users/{user_id}",
    "listAdminApiKeys": "/organization/admin_api_keys",
    "retrieveAdminApiKey": "/organization/admin_api_keys/{key_id}",
    "getOrganizationSpendLimit": "/organization/spend_limit",
    "getProjectSpendLimit": "/organization/projects/{project_id}/spend_limit",
    "listOrganizationSpendAlerts": "/organization/spend_alerts",
    "retrieveOrganizationSpendAlert": "/organization/spend_alerts/{alert_id}",
    "listProjectSpendAlerts": "/organization/projects/{project_id}/spend_alerts",
    "retrieveProjectSpendAlert": "/organization/projects/{project_id}/spend_alerts/{alert_id}",
}
# list operationId -> its query parameters besides the path ones (facts sheet, section 3)
LIST_PARAMS = {
    "listProjects": {"after", "limit", "include_archived"},
    "listUsers": {"after", "limit", "emails"},
    "listProjectApiKeys": {"after", "limit", "owner_project_access"},
    "listProjectServiceAccounts": {"after", "limit"},
    "listProjectUsers": {"after", "limit"},
    "listAdminApiKeys": {"after", "limit", "order"},
    "listOrganizationSpendAlerts": {"after", "before", "limit", "order"},
    "listProjectSpendAlerts": {"after", "before", "limit", "order"},
}
# schema -> required keys: the facts sheet's (section 5), less what an official example lacks (issue 24)
REQUIRED = {
    "Project": {"id", "object", "created_at"},
    "OrganizationUser": {"id", "object", "added_at"},
    "ProjectApiKey": {"id", "object", "name", "redacted_value", "created_at", "last_used_at", "owner_project_access",
                      "owner"},
    "ProjectServiceAccount": {"id", "object", "name", "role", "created_at"},
    "ProjectUser": {"id", "object", "role", "added_at"},
    # expires_at: required by the official spec, but 4 of its 5 admin-key examples lack it
    "AdminApiKey": {"id", "object", "redacted_value", "created_at", "owner"},
    "OrganizationSpendLimit": {"object", "threshold_amount", "currency", "interval", "enforcement"},
    "ProjectSpendLimit": {"object", "threshold_amount", "currency", "interval", "enforcement"},
    "OrganizationSpendAlert": {"id", "object", "threshold_amount", "currency", "interval", "notification_channel"},
    "ProjectSpendAlert": {"id", "object", "threshold_amount", "currency", "interval", "notification_channel"},
}  # fmt: skip
LISTS = [op for op in ADMIN_OPERATIONS if op.operation_id in LIST_PARAMS]
SCHEMAS = SPEC["components"]["schemas"]


def _get(op: Operation) -> dict[str, Any]:
    get: dict[str, Any] = SPEC["paths"][op.path]["get"]
    return get


def test_admin_operations_are_exactly_the_facts_with_stable_ids() -> None:
    assert {op.operation_id: op.path for op in ADMIN_OPERATIONS} == PATHS


@pytest.mark.parametrize("op", ADMIN_OPERATIONS, ids=[op.operation_id for op in ADMIN_OPERATIONS])
def test_path_parameters_are_required_non_empty_strings(op: Operation) -> None:
    in_path = {p["name"]: p for p in op.parameters if p["in"] == "path"}
    assert set(in_path) == {seg[1:-1] for seg in op.path.split("/") if seg.startswith("{")}
    for p in in_path.values():
        assert p["required"] is True and p["schema"] == {"type": "string", "minLength": 1} and p["example"]


@pytest.mark.parametrize("op", LISTS, ids=[op.operation_id for op in LISTS])
def test_list_query_parameters_match_the_facts_and_declare_no_default(op: Operation) -> None:
    query = {p["name"]: p for p in op.parameters if p["in"] == "query"}
    assert set(query) == LIST_PARAMS[op.operation_id]
    for p in query.values():
        assert p["required"] is False and "default" not in resolve(p["schema"]), p["name"]
    limit = query["limit"]
    low = 0 if "SpendAlert" in op.operation_id else 1
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (low, 100)
    assert limit["x-server-default"] == 20 and limit["schema"]["format"] == "int64"


@pytest.mark.parametrize("op", LISTS, ids=[op.operation_id for op in LISTS])
def test_lists_describe_after_pagination_over_real_fields(op: Operation) -> None:
    pagination = _get(op)["x-pagination"]
    assert pagination["type"] == "after"
    assert (pagination["cursor-param"], pagination["next-cursor-field"]) == ("after", "last_id")
    envelope = SCHEMAS[op.page_schema]
    names = {p["name"] for p in op.parameters}
    assert {pagination["cursor-param"], pagination["limit-param"]} <= names
    assert {pagination["items-field"], pagination["has-more-field"]} <= set(envelope["required"])
    assert envelope["properties"][pagination["next-cursor-field"]]["type"] == ["string", "null"]
    item = resolve(envelope["properties"][pagination["items-field"]]["items"])
    assert pagination["item-id-field"] in item["required"]
    if "previous-cursor-param" in pagination:
        assert pagination["previous-cursor-param"] in names
        assert pagination["previous-cursor-field"] in envelope["properties"]


def test_usage_operations_keep_the_opaque_cursor_style() -> None:
    styles = {item["get"]["x-pagination"]["type"] for item in SPEC["paths"].values() if "x-pagination" in item["get"]}
    assert styles == {"cursor", "after"}
    assert "`type: after`" in SPEC["info"]["description"] and "`type: cursor`" in SPEC["info"]["description"]


@pytest.mark.parametrize(("name", "required"), sorted(REQUIRED.items()))
def test_required_keys_are_as_on_the_wire(name: str, required: set[str]) -> None:
    assert set(SCHEMAS[name]["required"]) == required


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_admin_schemas_cite_their_evidence(name: str) -> None:
    assert SCHEMAS[name]["x-evidence"].startswith("required: ")


ADMIN_SCHEMAS = sorted(
    name for name, schema in SCHEMAS.items() if "x-evidence" in schema and not name.startswith(("Usage", "Costs"))
)


@pytest.mark.parametrize("name", ADMIN_SCHEMAS)
def test_every_optional_admin_scalar_is_nullable(name: str) -> None:
    schema = SCHEMAS[name]
    for key, node in schema.get("properties", {}).items():
        if key not in schema.get("required", []) and "type" in node:
            assert "null" in node["type"], f"{name}.{key}"


def test_admin_key_expiry_is_optional_and_says_why() -> None:
    assert "expires_at" not in SCHEMAS["AdminApiKey"]["required"]
    assert "4 of its 5" in SCHEMAS["AdminApiKey"]["x-evidence"]


def test_spend_amounts_are_int64_cents_and_say_so() -> None:
    for name in ("OrganizationSpendLimit", "ProjectSpendLimit", "OrganizationSpendAlert", "ProjectSpendAlert"):
        amount = SCHEMAS[name]["properties"]["threshold_amount"]
        assert (amount["type"], amount["format"]) == ("integer", "int64")
        assert "cents" in amount["description"] and "cents" in SCHEMAS[name]["description"]
    assert "integer cents" in SPEC["info"]["description"]


def test_limit_enums_are_open_and_alert_enums_are_closed() -> None:
    for name, known in (("SpendCurrency", ["USD"]), ("SpendInterval", ["month"]), ("ProjectResidency", None)):
        assert SCHEMAS[name]["type"] == "string" and "enum" not in SCHEMAS[name]
        assert known is None or SCHEMAS[name]["x-known-values"] == known
    assert len(SCHEMAS["ProjectResidency"]["x-known-values"]) == 15
    status = SCHEMAS["SpendLimitEnforcement"]["properties"]["status"]
    assert "enum" not in status and status["x-known-values"] == ["inactive", "enforcing"]
    assert SCHEMAS["SpendAlertCurrency"]["enum"] == ["USD"] and SCHEMAS["SpendAlertInterval"]["enum"] == ["month"]


@pytest.mark.parametrize("op", ADMIN_OPERATIONS, ids=[op.operation_id for op in ADMIN_OPERATIONS])
def test_errors_are_declared_with_the_envelope(op: Operation) -> None:
    responses = _get(op)["responses"]
    assert {"200", "400", "401", "403", "404", "429", "5XX"} <= set(responses)
    assert "x-request-id" in responses["200"]["headers"]


@pytest.mark.parametrize("op", ADMIN_OPERATIONS, ids=[op.operation_id for op in ADMIN_OPERATIONS])
def test_examples_validate_against_their_schema(op: Operation) -> None:
    schema = {"$ref": f"#/components/schemas/{op.page_schema}"}
    assert not violations(SPEC, schema, op.example)


def test_no_yaml_aliases_in_the_contract() -> None:
    # openapi-generator refuses a document with more than 50 aliases; other tools expand them unpredictably.
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert "&id0" not in text and "*id0" not in text
