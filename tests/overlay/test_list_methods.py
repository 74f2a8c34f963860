"""The generated Admin methods (list_methods.py): current with the registry, one per list and limit, twins alike."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from oai_usage.endpoints import LISTS, ORGANIZATION_SPEND_LIMIT, PROJECT_SPEND_LIMIT
from oai_usage.list_methods import AsyncListMethods, ListMethods

from tests.conftest import load_script

REPO = Path(__file__).resolve().parents[2]
NAMES = [*LISTS, ORGANIZATION_SPEND_LIMIT.name, PROJECT_SPEND_LIMIT.name]


def _tool() -> Any:
    return load_script("tools/gen_methods.py", "gen_methods")


def test_list_methods_py_is_what_the_generator_writes_from_the_registry() -> None:
    tool = _tool()
    target = REPO / "overlays" / "oai_usage" / "list_methods.py"
    assert target.read_text(encoding="utf-8") == tool.render()[target], "stale: run python tools/gen_methods.py"


def test_every_admin_list_and_spend_limit_has_a_method_and_no_other() -> None:
    for methods in (ListMethods, AsyncListMethods):
        own = {name for name in vars(methods) if not name.startswith("_")}
        assert own == set(NAMES), methods.__name__


@pytest.mark.parametrize("name", NAMES)
def test_the_sync_and_async_method_take_the_same_arguments(name: str) -> None:
    sync = inspect.signature(getattr(ListMethods, name)).parameters
    asynchronous = inspect.signature(getattr(AsyncListMethods, name)).parameters
    assert [(p.name, p.kind, p.default, p.annotation) for p in sync.values()] == [
        (p.name, p.kind, p.default, p.annotation) for p in asynchronous.values()
    ]


@pytest.mark.parametrize("name", [n for n, lst in LISTS.items() if lst.path_params])
def test_path_ids_are_positional_and_every_filter_keyword_only(name: str) -> None:
    parameters = list(inspect.signature(getattr(ListMethods, name)).parameters.values())[1:]
    positional = [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == list(LISTS[name].path_params)
    assert all(p.default is None for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)
