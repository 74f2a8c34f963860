"""The generated endpoint functions send what the contract says: path, every parameter, bearer auth."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from oai_usage_api import AuthenticatedClient
from pytest_httpx import HTTPXMock

from tests.generated.spec_helpers import OPERATIONS, Operation, sample_arguments

BASE = "https://api.openai.com/v1"
FAKE_KEY = "sk-admin-generated-layer-test"
IDS = [op.operation_id for op in OPERATIONS]


def _client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE, token=FAKE_KEY)


def _send(op: Operation, httpx_mock: HTTPXMock, **kwargs: Any) -> httpx.Request:
    httpx_mock.add_response(json=op.example)
    op.module.sync_detailed(client=_client(), **kwargs)
    request = httpx_mock.get_request()
    assert request is not None
    return request


def test_contract_has_all_twelve_operations() -> None:
    assert sorted(IDS) == sorted(
        [
            "usageCompletions", "usageEmbeddings", "usageModerations", "usageImages",
            "usageAudioSpeeches", "usageAudioTranscriptions", "usageVectorStores",
            "usageCodeInterpreterSessions", "usageFileSearchCalls", "usageWebSearchCalls",
            "usageDecisions", "usageCosts",
        ]
    )  # fmt: skip


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_request_goes_to_the_operation_path(op: Operation, httpx_mock: HTTPXMock) -> None:
    request = _send(op, httpx_mock, start_time=1793491200)
    assert request.method == "GET"
    assert str(request.url) == f"{BASE}{op.path}?start_time=1793491200"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_request_sends_the_admin_key_as_bearer(op: Operation, httpx_mock: HTTPXMock) -> None:
    request = _send(op, httpx_mock, start_time=1793491200)
    assert request.headers["Authorization"] == f"Bearer {FAKE_KEY}"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_parameter_is_encoded_with_arrays_as_repeated_keys(op: Operation, httpx_mock: HTTPXMock) -> None:
    kwargs, expected = sample_arguments(op)
    request = _send(op, httpx_mock, **kwargs)
    assert sorted(request.url.params.multi_items()) == sorted(expected)
    # The cursor's reserved characters travel percent-encoded, never raw.
    assert b"page=page_AAB%2Bc%2Fd%3D%3D" in request.url.query


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_omitted_optional_parameters_are_not_sent(op: Operation, httpx_mock: HTTPXMock) -> None:
    # The contract carries no query defaults, so the server's width-dependent defaults apply.
    request = _send(op, httpx_mock, start_time=1)
    assert list(request.url.params.keys()) == ["start_time"]
