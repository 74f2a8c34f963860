"""The Python models require exactly what openapi.yaml requires: no second, tolerant list (issue 24)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from tests.generated.spec_helpers import OPERATIONS, Operation

IDS = [op.operation_id for op in OPERATIONS]


def _required_attributes(model: type[Any]) -> set[str]:
    names = {f.name for f in attrs.fields(model) if f.default is attrs.NOTHING}
    return {name.removesuffix("_") for name in names}


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_generated_result_models_require_what_the_contract_requires(op: Operation) -> None:
    result = type(op.page_class.from_dict(op.example).data[0].results[0])
    assert _required_attributes(result) == set(op.result_schema()["required"])


def test_the_generator_reads_openapi_yaml_itself() -> None:
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "tools" / "regenerate.py").read_text(encoding="utf-8")
    assert 'ROOT / "openapi.yaml"' in source
    assert "x-tolerant-required" not in source
