"""Input fuzzing: the client's validation agrees with the sandbox, which plays the server.

For random parameter sets on every endpoint: what the client accepts, the sandbox answers with 200; what the
client rejects before sending, the sandbox rejects with a 400 naming the same parameter.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oai_usage import PaginationError, UsageClient, ValidationError
from oai_usage.endpoints import ENDPOINTS, Endpoint
from oai_usage_sandbox import Sandbox, SandboxConfig, SandboxTransport

from tests.overlay.payloads import KEY

NOW = 1795910400  # 2026-11-29T00:00:00Z
DAY = 86400
CONFIG = SandboxConfig(now=NOW)
SANDBOX = Sandbox(CONFIG)
BOGUS = ("bogus", "line_item", "size", "1w", "")


def _values(allowed: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    pool = allowed + BOGUS if allowed else ("proj_abc", "user-1", "key_x", "gpt-4o", "")
    return st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)


@st.composite
def param_sets(draw: st.DrawFn, endpoint: Endpoint[Any]) -> dict[str, Any]:
    start = draw(st.integers(NOW - 100 * DAY, NOW))
    params: dict[str, Any] = {"start_time": start}
    if draw(st.booleans()):
        params["end_time"] = start + draw(st.integers(-3600, 40 * DAY))
    if draw(st.booleans()):
        params["bucket_width"] = draw(st.sampled_from((*endpoint.bucket_widths, "1w", "5m", "1D")))
    if draw(st.booleans()):
        params["limit"] = draw(st.integers(-2, 1500))
    if draw(st.booleans()):
        params["group_by"] = draw(_values(endpoint.group_by))
    for name, spec in endpoint.filters.items():
        if draw(st.integers(0, 3)) == 0:
            params[name] = draw(st.booleans()) if spec.kind == "bool" else draw(_values(spec.allowed))
    return params


def _query_items(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The parameters as a server sees them: lists as repeated keys, booleans as true/false."""
    items: list[tuple[str, str]] = []
    for name, value in params.items():
        if isinstance(value, list):
            items.extend((name, str(v)) for v in value)
        elif isinstance(value, bool):
            items.append((name, "true" if value else "false"))
        else:
            items.append((name, str(value)))
    return items


def _check(endpoint: Endpoint[Any], params: dict[str, Any]) -> None:
    with (
        httpx.Client(transport=SandboxTransport(CONFIG)) as http,
        UsageClient(KEY, http_client=http, max_retries=0) as client,
    ):
        try:
            query = client.query(endpoint.name, **params)
        except ValidationError as rejected:
            answer = SANDBOX.handle(
                "GET", "/v1" + endpoint.path, _query_items(params), {"authorization": f"Bearer {KEY}"}
            )
            assert answer.status == 400, f"client rejected {rejected.param} ({rejected}); sandbox said {answer.status}"
            assert json.loads(answer.body)["error"]["param"] == rejected.param
            return
        try:
            first = next(iter(query.pages()))  # a 400 here would raise BadRequestError and fail the test
        except PaginationError:
            return  # a 200 whose buckets run past this machine's clock: the sandbox's pinned "now" differs from it
        assert first.number == 1


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _test_for(name: str) -> Any:
    endpoint = ENDPOINTS[name]

    @FUZZ
    @given(params=param_sets(endpoint))
    def test(params: dict[str, Any]) -> None:
        _check(endpoint, params)

    test.__name__ = f"test_client_and_sandbox_agree_on_{name}"
    return test


for _name in ENDPOINTS:
    globals()[f"test_client_and_sandbox_agree_on_{_name}"] = _test_for(_name)


@pytest.mark.parametrize("name", ["start_time", "end_time"])
def test_client_and_sandbox_agree_on_the_time_bound(clean_env: pytest.MonkeyPatch, name: str) -> None:
    params: dict[str, Any] = {"start_time": NOW - DAY, name: 2**40}
    with pytest.raises(ValidationError) as rejected, UsageClient(KEY) as client:
        client.query("costs", **params)
    answer = SANDBOX.handle("GET", "/v1/organization/costs", _query_items(params), {"authorization": f"Bearer {KEY}"})
    assert answer.status == 400
    assert json.loads(answer.body)["error"]["param"] == rejected.value.param == name
