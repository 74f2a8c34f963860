"""The generated package has every Admin read operation, and its models read the contract's examples losslessly."""

from __future__ import annotations

import pytest

from tests.generated.spec_helpers import ADMIN_OPERATIONS, Operation

IDS = [op.operation_id for op in ADMIN_OPERATIONS]


@pytest.mark.parametrize("op", ADMIN_OPERATIONS, ids=IDS)
def test_each_admin_operation_has_a_generated_call(op: Operation) -> None:
    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(op.module, name)), name


@pytest.mark.parametrize("op", ADMIN_OPERATIONS, ids=IDS)
def test_example_round_trips_through_the_generated_model(op: Operation) -> None:
    assert op.page_class.from_dict(op.example).to_dict() == op.example


def test_project_api_key_owner_keeps_the_service_account_variant() -> None:
    from oai_usage_api.models import ProjectApiKey

    example = next(op for op in ADMIN_OPERATIONS if op.operation_id == "listProjectApiKeys").example
    key = ProjectApiKey.from_dict(example["data"][1])
    assert key.owner.type_ == "service_account"
    assert key.owner.service_account.name == "batch-runner"  # type: ignore[union-attr]
    assert key.last_used_at is None
