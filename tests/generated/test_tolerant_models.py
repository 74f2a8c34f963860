"""The Python models are generated from `x-tolerant-required`, not the wire's `required` (tools/regenerate.py)."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from tests.generated.spec_helpers import OPERATIONS, SPEC, Operation

IDS = [op.operation_id for op in OPERATIONS]


def _regenerate_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "tools" / "regenerate.py"
    spec = importlib.util.spec_from_file_location("regenerate_tool", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


REGENERATE = _regenerate_module()


def _required_attributes(model: type[Any]) -> set[str]:
    names = {f.name for f in attrs.fields(model) if f.default is attrs.NOTHING}
    return {name.removesuffix("_") for name in names}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_generated_result_models_require_only_the_tolerant_core(op: Operation) -> None:
    result = type(op.page_class.from_dict(op.example).data[0].results[0])
    assert _required_attributes(result) == set(op.result_schema()["x-tolerant-required"])


def test_the_tolerant_copy_swaps_required_and_drops_an_empty_list() -> None:
    spec = copy.deepcopy(SPEC)
    tolerant = REGENERATE.tolerant(spec)
    schemas = tolerant["components"]["schemas"]
    assert schemas["UsageEmbeddingsResult"]["required"] == ["object", "input_tokens", "num_model_requests"]
    assert "required" not in schemas["CostsAmount"]
    wire_page = SPEC["components"]["schemas"]["UsageEmbeddingsPage"]
    assert schemas["UsageEmbeddingsPage"]["required"] == wire_page["required"]
    assert spec == SPEC  # the input is left as it was
