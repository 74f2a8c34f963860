"""The typed keyword arguments of each client method cover exactly the endpoint's parameters."""

from __future__ import annotations

import inspect
import typing

import pytest
from oai_usage import AsyncUsageClient, UsageClient
from oai_usage.endpoints import ENDPOINTS
from oai_usage.params import PARAMS_BY_ENDPOINT

NAMES = list(ENDPOINTS)


def test_there_is_one_typed_dict_per_endpoint() -> None:
    assert set(PARAMS_BY_ENDPOINT) == set(ENDPOINTS)


@pytest.mark.parametrize("name", NAMES)
def test_typed_dict_keys_are_the_parameters_except_the_cursor(name: str) -> None:
    typed = PARAMS_BY_ENDPOINT[name]
    assert set(typing.get_type_hints(typed)) == set(ENDPOINTS[name].params) - {"page"}


@pytest.mark.parametrize("name", NAMES)
def test_typed_dict_requires_only_start_time(name: str) -> None:
    assert PARAMS_BY_ENDPOINT[name].__required_keys__ == frozenset({"start_time"})  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("client_class", [UsageClient, AsyncUsageClient])
def test_each_client_has_a_method_per_endpoint_taking_its_typed_dict(name: str, client_class: type) -> None:
    method = getattr(client_class, name)
    annotation = inspect.signature(method).parameters["params"].annotation
    assert annotation == f"Unpack[{PARAMS_BY_ENDPOINT[name].__name__}]"
