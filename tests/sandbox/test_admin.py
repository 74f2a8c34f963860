"""The sandbox's Admin read API: every usage id resolves, archived projects, deleted keys, `after` paging, limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig
from oai_usage_sandbox.admin import OPERATIONS
from oai_usage_sandbox.directory import ORG_SPEND_LIMIT_CENTS, directory_for

from .conftest import DAY, NOW, TODAY, call, ok
from .test_spec_alignment import violations

ORG = "/v1/organization"
YEAR_CONFIG = SandboxConfig(seed=7, now=NOW, history_days=366)


@pytest.fixture(scope="module")
def year() -> Sandbox:
    """A sandbox with a year of history."""
    return Sandbox(YEAR_CONFIG)


def every(sandbox: Sandbox, path: str, params: list[tuple[str, object]] | None = None, limit: int = 100) -> list[Any]:
    """All items of a list, following `after=last_id` while `has_more`; fails on a repeated id."""
    items: list[Any] = []
    after: str | None = None
    for _ in range(1000):
        query = [*(params or []), ("limit", limit), *([("after", after)] if after else [])]
        page = ok(sandbox, path, query)
        assert page["first_id"] == (page["data"][0]["id"] if page["data"] else None)
        assert page["last_id"] == (page["data"][-1]["id"] if page["data"] else None)
        items += page["data"]
        if not page["has_more"]:
            break
        after = page["last_id"]
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "an id came twice"
    return items


def usage_ids(sandbox: Sandbox, endpoint: str) -> dict[str, set[str]]:
    """Every project, user and key id in a year of daily buckets of `endpoint`, grouped by all three."""
    path = f"{ORG}/costs" if endpoint == "costs" else f"{ORG}/usage/{endpoint}"
    found: dict[str, set[str]] = {"project_id": set(), "user_id": set(), "api_key_id": set()}
    query: list[tuple[str, object]] = [("start_time", TODAY - 365 * DAY), ("end_time", TODAY), ("bucket_width", "1d")]
    query += [("group_by", g) for g in found] + [("limit", 180 if endpoint == "costs" else 31)]
    page_token: str | None = None
    while True:
        page = ok(sandbox, path, query + ([("page", page_token)] if page_token else []))
        for bucket in page["data"]:
            for result in bucket["results"]:
                for dim, ids in found.items():
                    if result[dim] is not None:
                        ids.add(result[dim])
        if not page["has_more"]:
            return found
        page_token = page["next_page"]


def directory_ids(sandbox: Sandbox) -> tuple[set[str], set[str], set[str]]:
    """Project, user and project-key ids reachable through the lists (archived projects included)."""
    projects = every(sandbox, f"{ORG}/projects", [("include_archived", "true")])
    users = every(sandbox, f"{ORG}/users")
    keys = [
        k
        for p in projects
        for k in every(sandbox, f"{ORG}/projects/{p['id']}/api_keys", [("owner_project_access", "any")])
    ]
    return {p["id"] for p in projects}, {u["id"] for u in users}, {k["id"] for k in keys}


@pytest.mark.parametrize("endpoint", ["completions", "costs"])
def test_every_id_in_a_year_of_usage_resolves_or_is_a_known_deleted_key(year: Sandbox, endpoint: str) -> None:
    found = usage_ids(year, endpoint)
    projects, users, keys = directory_ids(year)
    deleted = directory_for(YEAR_CONFIG.seed, YEAR_CONFIG.scale).deleted_key_ids
    assert found["project_id"] and found["user_id"] and found["api_key_id"]
    assert found["project_id"] <= projects
    assert found["user_id"] <= users
    assert found["api_key_id"] <= keys | deleted
    assert deleted & found["api_key_id"], "some usage comes from a deleted key"
    assert not deleted & keys, "a deleted key is in a list"


def test_deleted_keys_have_usage_but_no_list_and_no_retrieve(sandbox: Sandbox) -> None:
    directory = directory_for(7, 1)
    for key in (k for k in directory.keys if k.deleted):
        status, body = call(sandbox, f"{ORG}/projects/{key.project_id}/api_keys/{key.id}")
        assert (status, body["error"]["param"]) == (404, "api_key_id")


def test_archived_projects_are_listed_only_with_include_archived(sandbox: Sandbox) -> None:
    active = every(sandbox, f"{ORG}/projects")
    default = every(sandbox, f"{ORG}/projects", [("include_archived", "false")])
    everything = every(sandbox, f"{ORG}/projects", [("include_archived", "true")])
    archived = [p for p in everything if p["status"] == "archived"]
    assert archived and all(p["archived_at"] is not None for p in archived)
    assert active == default == [p for p in everything if p["status"] == "active"]
    assert all(p["archived_at"] is None for p in active)
    for p in archived:  # still retrievable by id
        assert ok(sandbox, f"{ORG}/projects/{p['id']}")["status"] == "archived"


def test_archived_project_refuses_its_service_account_and_user_lists(sandbox: Sandbox) -> None:
    archived = next(p for p in every(sandbox, f"{ORG}/projects", [("include_archived", "true")]) if p["archived_at"])
    for tail in ("service_accounts", "users"):
        status, body = call(sandbox, f"{ORG}/projects/{archived['id']}/{tail}")
        assert (status, body["error"]["param"]) == (400, "project_id")


LISTS: list[tuple[str, list[tuple[str, object]]]] = [
    (f"{ORG}/projects", [("include_archived", "true")]),
    (f"{ORG}/users", []),
    (f"{ORG}/admin_api_keys", []),
    (f"{ORG}/spend_alerts", []),
]


def _project_lists(sandbox: Sandbox) -> list[tuple[str, list[tuple[str, object]]]]:
    out = list(LISTS)
    for p in every(sandbox, f"{ORG}/projects"):
        out += [(f"{ORG}/projects/{p['id']}/{tail}", []) for tail in ("api_keys", "service_accounts", "users")]
        out.append((f"{ORG}/projects/{p['id']}/spend_alerts", []))
    return out


def test_after_pagination_one_item_a_page_equals_one_big_page(sandbox: Sandbox) -> None:
    for path, params in _project_lists(sandbox):
        whole = ok(sandbox, path, [*params, ("limit", 100)])["data"]
        for size in (1, 2):  # `every` also checks first_id/last_id against each page's items
            assert every(sandbox, path, list(params), limit=size) == whole, (path, size)


def test_default_page_is_twenty_and_has_more_is_exact() -> None:
    big = Sandbox(SandboxConfig(seed=3, scale=8, now=NOW))  # 27 users
    users = every(big, f"{ORG}/users")
    first = ok(big, f"{ORG}/users")
    assert len(users) > 20 and len(first["data"]) == 20 and first["has_more"]
    assert (first["first_id"], first["last_id"]) == (users[0]["id"], users[19]["id"])
    last = ok(big, f"{ORG}/users", [("after", users[-2]["id"])])
    assert [u["id"] for u in last["data"]] == [users[-1]["id"]] and last["has_more"] is False


def test_spend_alerts_page_backwards_with_before_and_order_desc(sandbox: Sandbox) -> None:
    asc = every(sandbox, f"{ORG}/spend_alerts")
    desc = every(sandbox, f"{ORG}/spend_alerts", [("order", "desc")])
    assert len(asc) >= 2 and desc == asc[::-1]
    back = ok(sandbox, f"{ORG}/spend_alerts", [("before", asc[-1]["id"]), ("limit", 1)])
    assert [a["id"] for a in back["data"]] == [asc[-2]["id"]]


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        (f"{ORG}/projects", [("limit", 0)], "limit"),
        (f"{ORG}/projects", [("limit", 101)], "limit"),
        (f"{ORG}/users", [("limit", "ten")], "limit"),
        (f"{ORG}/projects", [("include_archived", "yes")], "include_archived"),
        (f"{ORG}/projects", [("after", "proj_doesNotExist0000")], "after"),
        (f"{ORG}/admin_api_keys", [("order", "newest")], "order"),
        (f"{ORG}/spend_alerts", [("limit", 101)], "limit"),
        (f"{ORG}/spend_alerts", [("after", "x"), ("before", "y")], "before"),
        (f"{ORG}/users", [("emails", "")], "emails"),
    ],
)
def test_bad_list_parameters_are_400s_naming_the_parameter(
    sandbox: Sandbox, path: str, params: list[tuple[str, object]], param: str
) -> None:
    status, body = call(sandbox, path, params)
    assert status == 400, body
    assert body["error"]["param"] == param
    assert param in body["error"]["message"]


def test_unknown_ids_are_404s_naming_the_path_parameter(sandbox: Sandbox) -> None:
    project = every(sandbox, f"{ORG}/projects")[0]["id"]
    cases = {
        f"{ORG}/projects/proj_nope": "project_id",
        f"{ORG}/projects/proj_nope/api_keys": "project_id",
        f"{ORG}/projects/{project}/api_keys/key_nope": "api_key_id",
        f"{ORG}/projects/{project}/users/user-nope": "user_id",
        f"{ORG}/users/user-nope": "user_id",
        f"{ORG}/admin_api_keys/key_nope": "key_id",
        f"{ORG}/spend_alerts/alert_nope": "alert_id",
    }
    for path, param in cases.items():
        status, body = call(sandbox, path)
        assert (status, body["error"]["param"]) == (404, param), path


def test_spend_limits_are_integer_cents_in_usd(sandbox: Sandbox) -> None:
    org = ok(sandbox, f"{ORG}/spend_limit")
    assert org == {
        "object": "organization.spend_limit",
        "threshold_amount": ORG_SPEND_LIMIT_CENTS,
        "currency": "USD",
        "interval": "month",
        "enforcement": {"status": "inactive"},
    }
    assert ORG_SPEND_LIMIT_CENTS == 50_000 * 100  # $50,000.00
    limits = {}
    for p in every(sandbox, f"{ORG}/projects"):
        status, body = call(sandbox, f"{ORG}/projects/{p['id']}/spend_limit")
        if status == 200:
            limits[p["id"]] = body["threshold_amount"]
            assert isinstance(body["threshold_amount"], int) and body["threshold_amount"] % 100 == 0
        else:
            assert (status, body["error"]["code"]) == (404, "spend_limit_not_set")
    assert limits and len(limits) < len(every(sandbox, f"{ORG}/projects")), "some projects have limits, not all"
    assert all(0 < cents < ORG_SPEND_LIMIT_CENTS for cents in limits.values())


def test_keys_are_owned_by_users_and_by_service_accounts_with_names_inline(sandbox: Sandbox) -> None:
    keys = [k for p in every(sandbox, f"{ORG}/projects") for k in every(sandbox, f"{ORG}/projects/{p['id']}/api_keys")]
    kinds = {k["owner"]["type"] for k in keys}
    assert kinds == {"user", "service_account"}
    for k in keys:
        owner = k["owner"][k["owner"]["type"]]
        assert owner["name"] and set(k["owner"]) == {"type", k["owner"]["type"]}
        assert re.fullmatch(r"sk-(proj|svcacct)-\w{3}\.\.\.\w{4}", k["redacted_value"]), "only redacted values"


def test_users_have_distinct_realistic_names_and_emails_and_filter_by_email(sandbox: Sandbox) -> None:
    users = every(sandbox, f"{ORG}/users")
    assert len({u["email"] for u in users}) == len({u["name"] for u in users}) == len(users)
    assert all(re.fullmatch(r"[a-z.\-]+[0-9]*@example\.com", u["email"]) for u in users)
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Za-z \-]+", u["name"]) for u in users)
    wanted = [users[0]["email"], users[-1]["email"]]
    for spelling in ("emails", "emails[]"):
        found = ok(sandbox, f"{ORG}/users", [(spelling, e) for e in wanted])["data"]
        assert [u["email"] for u in found] == wanted


def test_directory_is_deterministic_by_seed() -> None:
    a = Sandbox(SandboxConfig(seed=11, now=NOW))
    b = Sandbox(SandboxConfig(seed=11, now=NOW))
    c = Sandbox(SandboxConfig(seed=12, now=NOW))
    assert directory_ids(a) == directory_ids(b) != directory_ids(c)
    assert every(a, f"{ORG}/users") == every(b, f"{ORG}/users")


def test_every_admin_answer_validates_against_the_spec_with_no_unknown_field(
    spec: dict[str, Any], sandbox: Sandbox
) -> None:
    project = every(sandbox, f"{ORG}/projects")[0]["id"]
    directory = directory_for(7, 1)
    key = directory.project_keys(project)[0]
    user = directory.members[project][0][0]
    account = directory.service_accounts[project][0].id
    alert = next(a for a in directory.alerts if a.project_id is None).id
    palert = next(a for a in directory.alerts if a.project_id is not None)
    args = {"project_id": project, "api_key_id": key.id, "user_id": user, "service_account_id": account,
            "key_id": directory.admin_keys[0]["id"], "alert_id": alert}  # fmt: skip
    seen = set()
    for template in OPERATIONS:
        values = dict(args)
        if template.startswith("/organization/projects/{project_id}/spend_"):
            values.update(project_id=palert.project_id, alert_id=palert.id)
        path = template.format(**values)
        body = ok(sandbox, "/v1" + path)
        response = spec["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]
        assert not violations(spec, response["schema"], body), template
        assert not _unknown_fields(spec, response["schema"], body), template
        seen.add(template)
    assert seen == set(spec["paths"]) - {
        p for p in spec["paths"] if p.startswith("/organization/usage") or p.endswith("/costs")
    }


def _unknown_fields(spec: dict[str, Any], node: dict[str, Any], value: Any) -> list[str]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    out: list[str] = []
    if isinstance(value, dict) and "properties" in node:
        out += [k for k in value if k not in node["properties"]]
        for k, sub in node["properties"].items():
            if k in value:
                out += _unknown_fields(spec, sub, value[k])
    if isinstance(value, list) and "items" in node:
        for item in value:
            out += _unknown_fields(spec, node["items"], item)
    return out


def test_admin_paths_need_an_admin_key_and_get(sandbox: Sandbox) -> None:
    status, body = call(sandbox, f"{ORG}/projects", headers={})
    assert (status, body["error"]["code"]) == (401, "missing_api_key")
    resp = sandbox.handle("POST", f"{ORG}/projects", [], {"Authorization": "Bearer sk-admin-test"})
    assert resp.status == 405 and resp.header("allow") == "GET"


def test_forbidden_operations_answer_403_and_the_others_still_work() -> None:
    restricted = Sandbox(SandboxConfig(seed=7, now=NOW, forbidden_operations=("listUsers", "listProjectApiKeys")))
    status, body = call(restricted, f"{ORG}/users")
    assert (status, body["error"]["code"]) == (403, "insufficient_permissions")
    project = every(restricted, f"{ORG}/projects")[0]["id"]
    assert call(restricted, f"{ORG}/projects/{project}/api_keys")[0] == 403
    assert call(restricted, f"{ORG}/projects/{project}/users")[0] == 200


def test_forbidden_operations_must_name_admin_operation_ids() -> None:
    with pytest.raises(ValueError, match="listUser"):
        SandboxConfig(forbidden_operations=("listUser",))


def test_every_admin_route_has_its_operation_id(spec: dict[str, Any]) -> None:
    from oai_usage_sandbox.admin import OPERATION_IDS
    from oai_usage_sandbox.config import ADMIN_OPERATION_IDS

    by_path = {path: spec["paths"][path]["get"]["operationId"] for path in OPERATIONS}
    assert {path: OPERATION_IDS[name] for path, name in OPERATIONS.items()} == by_path
    assert set(ADMIN_OPERATION_IDS) == set(by_path.values())
