"""A client takes a transport cleanly (and owns the httpx client built around it); one sandbox transport class
serves the sync and the async client; what each endpoint offers is public; one error for a missing extra."""

from __future__ import annotations

import builtins
import dataclasses
from typing import Any

import httpx
import oai_usage
import pytest
from oai_usage import AsyncUsageClient, MissingDependencyError, UsageClient, ValidationError, endpoint_info
from oai_usage.endpoints import ENDPOINTS
from oai_usage.errors import import_extra
from oai_usage.rows import columns
from oai_usage.validation import ValidQuery, validate
from oai_usage.windows import Window, window_query
from oai_usage_sandbox import AsyncSandboxTransport, SandboxConfig, SandboxTransport

from tests.overlay.payloads import DAY, KEY, NOV_1

NOW = NOV_1 + 10 * DAY
RANGE: dict[str, Any] = {"start_time": NOV_1, "end_time": NOV_1 + 3 * DAY, "group_by": ["project_id"]}


def test_a_client_given_a_transport_fetches_through_it_and_closes_the_client_it_built(
    clean_env: pytest.MonkeyPatch,
) -> None:
    class Recording(SandboxTransport):
        closed = False

        def close(self) -> None:
            self.closed = True

    transport = Recording(SandboxConfig(now=NOW))
    client = UsageClient(KEY, transport=transport)
    assert [bucket.start_time for bucket in client.costs(**RANGE)] == [NOV_1, NOV_1 + DAY, NOV_1 + 2 * DAY]
    assert not transport.closed
    client.close()  # closes the httpx client it built, which closes the transport
    assert transport.closed


async def test_the_same_sandbox_transport_class_serves_the_async_client(clean_env: pytest.MonkeyPatch) -> None:
    assert AsyncSandboxTransport is SandboxTransport
    transport = SandboxTransport(SandboxConfig(now=NOW))
    assert isinstance(transport, httpx.BaseTransport) and isinstance(transport, httpx.AsyncBaseTransport)
    async with AsyncUsageClient(KEY, transport=transport) as client:
        rows = [row async for row in client.costs(**RANGE).rows()]
    with UsageClient(KEY, transport=transport) as client:
        assert rows == list(client.costs(**RANGE).rows())


def test_a_transport_and_an_http_client_together_are_refused(clean_env: pytest.MonkeyPatch) -> None:
    with httpx.Client() as http, pytest.raises(ValidationError, match="not both") as info:
        UsageClient(KEY, http_client=http, transport=SandboxTransport())
    assert info.value.param == "transport"


def test_the_wrong_kind_of_transport_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError, match=r"httpx\.AsyncBaseTransport"):
        AsyncUsageClient(KEY, transport=object())  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_endpoint_info_is_the_registry_in_public_values(name: str) -> None:
    info = endpoint_info(name)
    endpoint = ENDPOINTS[name]
    assert (info.name, info.path, info.bucket_widths, info.group_by) == (
        name,
        endpoint.path,
        endpoint.bucket_widths,
        endpoint.group_by,
    )
    assert info.columns == columns(endpoint)
    assert set(info.list_filters) | set(info.bool_filters) == set(endpoint.filters)
    assert name in oai_usage.ENDPOINT_NAMES


def test_endpoint_info_names_the_allowed_endpoints_for_an_unknown_one() -> None:
    with pytest.raises(ValidationError, match="allowed: completions") as info:
        endpoint_info("widgets")
    assert info.value.param == "endpoint"


def test_a_missing_extra_is_one_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "matplotlib":
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    monkeypatch.delitem(__import__("sys").modules, "matplotlib", raising=False)
    with pytest.raises(MissingDependencyError, match=r"--plot needs matplotlib.*oai-usage\[plot\]"):
        import_extra("matplotlib", extra="plot", what="--plot")


def test_the_validated_query_holds_each_value_once() -> None:
    query: ValidQuery[Any] = validate(ENDPOINTS["costs"], {"start_time": NOV_1, "end_time": NOV_1 + 9 * DAY})
    assert "params" not in {field.name for field in dataclasses.fields(ValidQuery)}
    part = window_query(query, Window(1, NOV_1 + 2 * DAY, None))
    assert part.params == {"start_time": NOV_1 + 2 * DAY, "limit": query.limit}
    assert query.params == {"start_time": NOV_1, "end_time": NOV_1 + 9 * DAY, "limit": 180}
