"""The Admin lists and spend limits: paging by `after`/`last_id`, the guards, validation, money and "no limit"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from oai_usage import (
    AsyncUsageClient,
    PaginationError,
    PermissionDeniedError,
    SpendLimit,
    UsageClient,
    ValidationError,
)
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import BASE

PROJECTS = f"{BASE}/organization/projects"


def project(n: int, status: str = "active") -> dict[str, Any]:
    return {
        "id": f"proj_{n}",
        "object": "organization.project",
        "name": f"Project {n}",
        "created_at": 1735689600 + n,
        "archived_at": None if status == "active" else 1740000000,
        "status": status,
    }


def page(items: list[dict[str, Any]], has_more: bool, last_id: str | None = "auto") -> dict[str, Any]:
    last = items[-1]["id"] if items and last_id == "auto" else (None if last_id == "auto" else last_id)
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else None,
        "last_id": last,
        "has_more": has_more,
    }


def test_a_list_follows_last_id_until_has_more_is_false(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{PROJECTS}?limit=2&include_archived=true", json=page([project(1), project(2)], True))
    httpx_mock.add_response(
        url=f"{PROJECTS}?after=proj_2&limit=2&include_archived=true", json=page([project(3, "archived")], False)
    )
    items = client.projects(include_archived=True, limit=2).to_list()
    assert [p["id"] for p in items] == ["proj_1", "proj_2", "proj_3"]
    assert items[2]["status"] == "archived"


def test_a_list_is_lazy_and_sends_the_largest_limit_by_default(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    q = client.projects()
    assert httpx_mock.get_requests() == []
    httpx_mock.add_response(url=f"{PROJECTS}?limit=100", json=page([project(1)], False))
    assert len(list(q)) == 1


def test_has_more_without_last_id_is_a_pagination_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([project(1)], True, last_id=None))
    with pytest.raises(PaginationError, match="has_more but gives no last_id"):
        client.projects().to_list()


def test_a_repeated_cursor_is_a_pagination_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{PROJECTS}?limit=100", json=page([project(1)], True, last_id="proj_1"))
    httpx_mock.add_response(url=f"{PROJECTS}?after=proj_1&limit=100", json=page([project(2)], True, last_id="proj_1"))
    with pytest.raises(PaginationError, match="repeats the cursor"):
        client.projects().to_list()


def test_an_item_listed_twice_is_a_pagination_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{PROJECTS}?limit=100", json=page([project(1)], True))
    httpx_mock.add_response(url=f"{PROJECTS}?after=proj_1&limit=100", json=page([project(1)], False))
    with pytest.raises(PaginationError, match="a second time"):
        client.projects().to_list()


def test_the_page_cap_stops_a_runaway_list(clean_env: pytest.MonkeyPatch, httpx_mock: HTTPXMock) -> None:
    for n in range(1, 3):
        httpx_mock.add_response(json=page([project(n)], True), is_reusable=False)
    with UsageClient("sk-admin-test-cap", max_pages=2) as capped, pytest.raises(PaginationError, match="cap"):
        capped.projects().to_list()


def test_more_items_than_the_limit_is_a_pagination_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([project(1), project(2)], False))
    with pytest.raises(PaginationError, match="more than the limit 1"):
        client.projects(limit=1).to_list()


@pytest.mark.parametrize("limit", [0, 101, True, "10"])
def test_limit_outside_1_to_100_is_refused_naming_limit(client: UsageClient, limit: Any) -> None:
    with pytest.raises(ValidationError, match="allowed: 1 to 100") as error:
        client.users(limit=limit)
    assert error.value.param == "limit"


def test_bad_arguments_name_the_parameter(client: UsageClient) -> None:
    with pytest.raises(ValidationError) as error:
        client.project_api_keys("")
    assert error.value.param == "project_id"
    with pytest.raises(ValidationError, match="allowed: active, any, inactive"):
        client.project_api_keys("proj_1", owner_project_access="all")
    with pytest.raises(ValidationError, match="True or False"):
        client.projects(include_archived="yes")  # type: ignore[arg-type]


def test_a_forbidden_list_is_a_permission_denied_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        status_code=403, json={"error": {"message": "missing scope api.management.read", "type": "invalid_request"}}
    )
    with pytest.raises(PermissionDeniedError):
        client.users().to_list()


def test_a_list_retries_a_server_error(client: UsageClient, httpx_mock: HTTPXMock, sleeps: list[float]) -> None:
    httpx_mock.add_response(status_code=503, json={"error": {"message": "busy"}})
    httpx_mock.add_response(json=page([project(1)], False))
    assert len(client.projects().to_list()) == 1
    assert len(sleeps) == 1


LIMIT_BODY = {
    "object": "organization.spend_limit",
    "threshold_amount": 5000050,
    "currency": "USD",
    "interval": "month",
    "enforcement": {"status": "inactive"},
}


def test_the_spend_limit_is_money_not_cents(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/organization/spend_limit", json=LIMIT_BODY)
    limit = client.spend_limit()
    assert limit == SpendLimit(Decimal("50000.50"), "USD", "month", "inactive")
    assert limit is not None and limit.cents == 5000050


def test_no_project_limit_is_none_not_an_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        url=f"{BASE}/organization/projects/proj_1/spend_limit",
        status_code=404,
        json={"error": {"message": "no spend limit", "type": "invalid_request_error", "code": "spend_limit_not_set"}},
    )
    assert client.project_spend_limit("proj_1") is None


def test_a_zero_threshold_not_enforced_is_no_limit(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/organization/spend_limit", json={**LIMIT_BODY, "threshold_amount": 0})
    assert client.spend_limit() is None


def test_a_zero_threshold_being_enforced_is_a_limit(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    body = {**LIMIT_BODY, "threshold_amount": 0, "enforcement": {"status": "enforcing"}}
    httpx_mock.add_response(url=f"{BASE}/organization/spend_limit", json=body)
    assert client.spend_limit() == SpendLimit(Decimal(0), "USD", "month", "enforcing")


def test_an_unknown_project_is_still_a_not_found_error(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    from oai_usage import NotFoundError

    httpx_mock.add_response(status_code=404, json={"error": {"message": "No such project", "code": "not_found"}})
    with pytest.raises(NotFoundError):
        client.project_spend_limit("proj_nope")


async def test_async_lists_and_limits(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{PROJECTS}?limit=1", json=page([project(1)], True))
    httpx_mock.add_response(url=f"{PROJECTS}?after=proj_1&limit=1", json=page([project(2)], False))
    httpx_mock.add_response(url=f"{BASE}/organization/spend_limit", json=LIMIT_BODY)
    assert [p["id"] async for p in aclient.projects(limit=1)] == ["proj_1", "proj_2"]
    limit = await aclient.spend_limit()
    assert limit is not None and limit.amount == Decimal("50000.5")


def test_sandbox_lists_page_through_every_item() -> None:
    from oai_usage_sandbox import SandboxConfig, SandboxTransport

    with UsageClient("sk-admin-test-lists", transport=SandboxTransport(SandboxConfig())) as sandbox:
        every = [p["id"] for p in sandbox.projects(include_archived=True)]
        one_by_one = [p["id"] for p in sandbox.projects(include_archived=True, limit=1)]
        assert every == one_by_one and len(set(every)) == len(every)
        assert len(sandbox.projects().to_list()) < len(every)  # archived ones only with include_archived


def test_an_injected_transport_is_used_for_lists(clean_env: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=page([], False))

    with UsageClient("sk-admin-test-x", transport=httpx.MockTransport(handler)) as mock:
        assert mock.project_users("proj 1").to_list() == []
    assert seen == [f"{BASE}/organization/projects/proj%201/users?limit=100"]


async def test_async_lists_keep_the_guards(aclient: AsyncUsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{PROJECTS}?limit=100", json=page([project(1)], True, last_id="proj_1"))
    httpx_mock.add_response(url=f"{PROJECTS}?after=proj_1&limit=100", json=page([project(2)], True, last_id="proj_1"))
    with pytest.raises(PaginationError, match="repeats the cursor"):
        await aclient.projects().to_list()


def test_the_cursor_is_the_clients_business() -> None:
    from oai_usage.endpoints import LISTS
    from oai_usage.lists import validate_list

    with pytest.raises(ValidationError, match="follows last_id itself") as error:
        validate_list(LISTS["projects"], {"after": "proj_1"})
    assert error.value.param == "after"
    with pytest.raises(ValidationError, match=r"did you mean include_archived\?"):
        validate_list(LISTS["projects"], {"include_archive": True})


# --- Issue 26: what cannot be a URL is a typed error; path IDs stay one path segment ------------------------------


def test_a_request_no_url_can_carry_is_a_validation_error_not_an_httpx_error() -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    with UsageClient("sk-admin-test-url", http_client=http) as client, pytest.raises(ValidationError) as caught:
        client.project_spend_limit("p" * 70_000)  # past httpx's longest URL
    assert "the request URL cannot be built" in str(caught.value)


@pytest.mark.parametrize("project_id", [".", ".."])
def test_a_dot_project_id_is_refused_instead_of_reaching_another_admin_path(project_id: str) -> None:
    sent: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(500)

    http = httpx.Client(transport=httpx.MockTransport(server))
    with UsageClient("sk-admin-test-dots", http_client=http) as client:
        for call in (client.project_spend_limit, lambda pid: client.project_api_keys(pid).to_list(),
                     lambda pid: client.project_spend_alerts(pid).to_list()):  # fmt: skip
            with pytest.raises(ValidationError, match="is not an ID"):
                call(project_id)
    assert sent == []


def test_a_slash_in_a_project_id_is_percent_encoded_into_one_path_segment(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=404, json={"error": {"message": "no limit", "code": "spend_limit_not_set"}})
    with UsageClient("sk-admin-test-dots") as client:
        assert client.project_spend_limit("../api_keys") is None
    (request,) = httpx_mock.get_requests()
    assert request.url.raw_path == b"/v1/organization/projects/..%2Fapi_keys/spend_limit"
