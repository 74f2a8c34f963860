"""The directory: every ID of a year of sandbox usage resolves (or is a known-deleted key), 403 gives IDs and one
warning, names go next to the IDs in rows and DataFrames, and the directory is fetched once per client."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from oai_usage import AsyncUsageClient, Directory, ProjectInfo, UsageClient
from oai_usage_sandbox import SandboxConfig, SandboxTransport
from oai_usage_sandbox.directory import directory_for

NOW = int(datetime(2026, 11, 24, tzinfo=UTC).timestamp())
pytestmark = pytest.mark.wall_clock(NOW)  # the client's clock agrees with the sandbox's


def sandbox(config: SandboxConfig | None = None) -> UsageClient:
    return UsageClient("sk-admin-test-directory", transport=SandboxTransport(config or SandboxConfig(now=NOW)))


def test_every_id_of_a_year_of_usage_resolves_or_is_a_deleted_key() -> None:
    config = SandboxConfig(now=NOW, history_days=366)
    deleted = directory_for(config.seed, config.scale).deleted_key_ids
    with sandbox(config) as client:
        directory = client.directory()
        start = datetime.fromtimestamp(NOW - 365 * 86400, UTC)
        rows = list(
            client.completions(start_time=start, end_time=NOW, group_by=["project_id", "api_key_id", "user_id"]).rows()
        )
        costs = list(client.costs(start_time=start, end_time=NOW, group_by=["project_id", "api_key_id"]).rows())
    assert rows and costs
    for row in [*rows, *costs]:
        assert directory.project_name(row["project_id"]), row["project_id"]
        key = row["api_key_id"]
        if key is not None:  # costs without a key (e.g. storage) have none
            assert directory.api_key_name(key) or key in deleted, key
        if "user_id" in row and row["user_id"] is not None:
            assert directory.user_email(row["user_id"]), row["user_id"]
    assert any(row["api_key_id"] in deleted for row in rows)  # the deleted keys really occur
    assert all(directory.api_key_name(key) == "" for key in deleted)  # and keep their ID with an empty name


def test_archived_projects_and_service_account_keys_are_named() -> None:
    with sandbox() as client:
        directory = client.directory()
    assert any(p.status == "archived" and p.name for p in directory.projects.values())
    assert {k.owner_type for k in directory.api_keys.values() if k.project_id} == {"user", "service_account"}
    assert directory.service_accounts


def test_a_forbidden_list_gives_ids_and_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    config = SandboxConfig(now=NOW, forbidden_operations=("listProjectApiKeys", "listUsers"))
    caplog.set_level(logging.WARNING, logger="oai_usage")
    with sandbox(config) as client:
        directory = client.directory()
        rows = list(
            directory.with_names(client.costs(start_time=NOW - 86400 * 3, end_time=NOW, group_by=["api_key_id"]).rows())
        )
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "users, project API keys" in warnings[0].getMessage()
    assert directory.refused == ("users", "project API keys") or set(directory.refused) == {"users", "project API keys"}
    assert directory.projects  # the other lists still give names
    keyed = [row for row in rows if row["api_key_id"] is not None]
    assert keyed and all(row["api_key_name"] == "" for row in keyed)


def test_the_directory_is_fetched_once_per_client() -> None:
    calls: list[str] = []
    transport = SandboxTransport(SandboxConfig(now=NOW))
    original = transport.handle_request

    def counting(request):  # type: ignore[no-untyped-def]
        calls.append(request.url.path)
        return original(request)

    transport.handle_request = counting  # type: ignore[method-assign]
    with UsageClient("sk-admin-test-directory", transport=transport) as client:
        first = client.directory()
        count = len(calls)
        assert client.directory() is first and len(calls) == count
        assert client.directory(refresh=True) is not first and len(calls) == 2 * count


def test_with_names_puts_each_name_after_its_id() -> None:
    directory = Directory(projects={"proj_a": ProjectInfo("proj_a", "Search", "active")})
    rows = list(
        directory.with_names([{"bucket_start": 0, "project_id": "proj_a", "x": 1}, {"project_id": "proj_gone"}])
    )
    assert list(rows[0]) == ["bucket_start", "project_id", "project_name", "x"]
    assert rows[0]["project_name"] == "Search" and rows[1]["project_name"] == ""
    assert directory.columns(["bucket_start", "project_id", "api_key_id"]) == (
        "bucket_start",
        "project_id",
        "project_name",
        "api_key_id",
        "api_key_name",
    )


def test_add_names_to_a_dataframe() -> None:
    pandas = pytest.importorskip("pandas")
    directory = Directory(projects={"proj_a": ProjectInfo("proj_a", "Search", "active")})
    frame = directory.add_names(pandas.DataFrame({"project_id": ["proj_a", None], "v": [1, 2]}))
    assert list(frame.columns) == ["project_id", "project_name", "v"]
    assert frame["project_name"][0] == "Search" and pandas.isna(frame["project_name"][1])


def test_project_id_for_a_name_or_an_id() -> None:
    directory = Directory(projects={"proj_a": ProjectInfo("proj_a", "Search", "active")})
    assert directory.project_id_for("proj_a") == "proj_a"
    assert directory.project_id_for("search") == "proj_a"
    assert directory.project_id_for("nothing") is None


async def test_async_directory_matches_the_sync_one() -> None:
    from oai_usage_sandbox import AsyncSandboxTransport

    with sandbox() as client:
        expected = client.directory()
    async with AsyncUsageClient(
        "sk-admin-test-directory", transport=AsyncSandboxTransport(SandboxConfig(now=NOW))
    ) as aclient:
        got = await aclient.directory()
        assert await aclient.directory() is got
    assert got.projects == expected.projects and got.api_keys == expected.api_keys and got.users == expected.users


def test_an_empty_or_blank_text_names_no_project_even_a_nameless_one() -> None:
    directory = Directory(projects={"proj_a": ProjectInfo("proj_a", "", "active")})
    assert directory.project_id_for("") is None
    assert directory.project_id_for("   ") is None


def test_a_name_the_server_padded_with_spaces_is_still_found() -> None:
    directory = Directory(projects={"proj_a": ProjectInfo("proj_a", " Research ", "active")})
    assert directory.project_id_for("research") == "proj_a"


def test_a_name_a_server_echoes_the_admin_key_in_is_masked_even_in_the_directorys_repr(
    clean_env: pytest.MonkeyPatch, httpx_mock: Any
) -> None:
    import httpx

    key = "sk-admin-test-echoed-0123456789abcdef"

    def answer(request: httpx.Request) -> httpx.Response:
        data: list[dict[str, Any]] = []
        if request.url.path.endswith("/organization/projects"):
            data = [{"id": "proj_a", "object": "organization.project", "name": f"Ops {key}", "status": "active"}]
        elif request.url.path.endswith("/organization/users"):
            data = [{"id": "user_a", "object": "organization.user", "name": key, "email": f"{key}@example.com"}]
        last = data[-1]["id"] if data else None
        return httpx.Response(200, json={"object": "list", "data": data, "last_id": last, "has_more": False})

    httpx_mock.add_callback(answer, is_reusable=True)
    with UsageClient(key) as client:
        directory = client.directory()
    assert directory.project_name("proj_a") == "Ops sk-admin-***"
    assert directory.user_email("user_a") == "sk-admin-***@example.com"
    assert key not in repr(directory)


def _failing_fetch(calls: list[str], projects: int) -> Any:
    from oai_usage import ServerError

    def fetch(name: str, **params: Any) -> list[dict[str, Any]]:
        calls.append(name)
        if name == "projects":
            return [{"id": f"proj_{i}", "name": f"P{i}", "status": "active"} for i in range(projects)]
        if name in ("project_api_keys", "project_service_accounts"):
            raise ServerError("HTTP 500: the server failed", status_code=500)
        return []

    return fetch


def test_a_failing_per_project_list_stops_the_build_instead_of_asking_every_other_project() -> None:
    from oai_usage import ServerError
    from oai_usage.directory import build

    calls: list[str] = []
    with pytest.raises(ServerError):
        build(_failing_fetch(calls, projects=400), concurrency=4)
    assert calls.count("project_api_keys") + calls.count("project_service_accounts") < 50


async def test_a_failing_per_project_list_stops_the_async_build_too() -> None:
    from oai_usage import ServerError
    from oai_usage.directory import abuild

    calls: list[str] = []
    fetch = _failing_fetch(calls, projects=400)

    async def afetch(name: str, **params: Any) -> list[dict[str, Any]]:
        return fetch(name, **params)  # type: ignore[no-any-return]

    with pytest.raises(ServerError):
        await abuild(afetch, concurrency=4)
    await asyncio.sleep(0)
    assert calls.count("project_api_keys") + calls.count("project_service_accounts") < 50
