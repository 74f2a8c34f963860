"""Helpers of the warehouse tests: a client on the in-process sandbox at a pinned `now`, counting its requests; a
warehouse holding several sandbox organizations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from oai_usage import UsageClient
from oai_usage.warehouse.config import PlanEntry, SyncConfig
from oai_usage.warehouse.limits import sync_limits
from oai_usage.warehouse.names import sync_names
from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import sync
from oai_usage_sandbox import SandboxConfig, SandboxTransport

START = datetime(2026, 11, 20, 9, 17, 23, tzinfo=UTC)  # an unaligned "now": partial last buckets
KEY = "sk-admin-test-warehouse"
SEEDS = {"acme": 0, "beta": 7}  # two organizations: the sandbox's seed picks one

# A small plan that still has every width's grace rule: costs by project and line item, completions by model
# at 1d/1h/1m, and images by every dimension daily.
SMALL = SyncConfig(
    endpoints=("costs", "completions", "images"),
    plan=(
        PlanEntry("1d", ("project_id", "line_item"), ("costs",)),
        PlanEntry("1d", ("model",), ("completions",)),
        PlanEntry("1h", ("model",), ("completions",)),
        PlanEntry("1m", ("model",), ("completions",), since="2d"),
        PlanEntry("1d", "all", ("images",)),
    ),
    since="5d",
)


class Counter:
    """Counts the requests a client sends."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, request: httpx.Request) -> None:
        self.requests += 1


def sandbox_client(now: datetime, counter: Counter | None = None, max_retries: int = 2, **config: Any) -> UsageClient:
    """A client on the sandbox with "now" pinned, its clock agreeing (revisions on unless `config` says otherwise)."""
    hooks = {"request": [counter]} if counter is not None else {}
    http = httpx.Client(
        transport=SandboxTransport(SandboxConfig(now=int(now.timestamp()), **config)),
        event_hooks=hooks,  # type: ignore[arg-type]
    )
    moment = now.timestamp()
    return UsageClient(
        KEY, base_url="https://api.openai.com/v1", http_client=http, max_retries=max_retries, clock=lambda: moment
    )


def sync_organizations(
    path: Path, organizations: Iterable[str], now: datetime, *, endpoints: tuple[str, ...], limits: bool = False
) -> Path:
    """`path`, a warehouse holding each named organization of SEEDS as the sandbox serves it at `now`: `endpoints`
    and the names (and the spend limits, with `limits`)."""
    with Warehouse(path) as warehouse:
        for name in organizations:
            with sandbox_client(now, seed=SEEDS[name]) as client:
                sync(warehouse, client, SyncConfig(), name, now=now, endpoints=endpoints)
                sync_names(warehouse, client, name, synced_at=now)
                if limits:
                    sync_limits(warehouse, client, name, synced_at=now)
    return path


def table_rows(warehouse: Warehouse, endpoint: str) -> list[tuple[Any, ...]]:
    """Every stored row of an endpoint (no order implied), for comparisons."""
    from oai_usage.warehouse.store import table_name

    rows: list[tuple[Any, ...]] = warehouse.connection.execute(
        f"SELECT * FROM {table_name(endpoint)} ORDER BY ALL"
    ).fetchall()
    return rows


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "usage.duckdb"
