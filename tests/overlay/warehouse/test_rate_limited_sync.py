"""A sync against a rate-limited server: its units and profiles share one allowance per key, the server never has
to refuse a request, and what is stored equals a sync with no limit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse.store import Warehouse, table_name
from oai_usage_sandbox import Sandbox, SandboxConfig, serve_in_thread

NOW = datetime(2026, 11, 20, 9, 17, 23, tzinfo=UTC)
KEY = "sk-admin-rate-limited"
PLAN = """
since = "4d"
[[plan]]
width = "1d"
group_by = "all"
[[plan]]
width = "1h"
group_by = ["model"]
endpoints = ["completions", "embeddings"]
"""


class Recorder:
    """The sandbox's rate clock (real monotonic time), noting when each request reached the limiter."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.seen: list[float] = []

    def __call__(self) -> float:
        now = self.clock()
        self.seen.append(now)
        return now


def _config(tmp_path: Path, url: str) -> Path:
    profiles = "".join(f'\n[profiles.{n}]\nkey_env = "RATE_TEST_KEY"\nbase_url = "{url}"\n' for n in ("acme", "beta"))
    path = tmp_path / "oai-usage.toml"
    path.write_text(PLAN + profiles)
    path.chmod(0o600)
    return path


def _sync(tmp_path: Path, sandbox: Sandbox, name: str) -> Path:
    db = tmp_path / f"{name}.duckdb"
    with serve_in_thread(sandbox=sandbox) as url:
        config = _config(tmp_path, url)
        code = run(["sync", "--config", str(config), "--db", str(db), "--all-profiles", "--no-names"], now=NOW)
    assert code == 0
    return db


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Warehouse(db, read_only=True) as warehouse:
        return {
            e: warehouse.connection.execute(f"SELECT * FROM {table_name(e)} ORDER BY ALL").fetchall()
            for e in ("costs", "completions", "images", "embeddings")
        }


def test_units_and_profiles_share_one_allowance_and_store_what_an_unlimited_sync_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATE_TEST_KEY", KEY)  # both profiles use one key: one allowance for both
    monkeypatch.setattr("oai_usage.clock.system_time", lambda: NOW.timestamp())
    settings: dict[str, Any] = {"now": int(NOW.timestamp()), "latency_ms": 5}
    recorder = Recorder()
    limited = Sandbox(SandboxConfig(**settings, rate_limit=600), rate_clock=recorder)  # 10 a second
    paced = _sync(tmp_path, limited, "limited")
    free = _sync(tmp_path, Sandbox(SandboxConfig(**settings)), "free")
    assert limited.rates is not None
    assert limited.rates.refused == 0  # the client never sent past the limit, though it did not know it at first
    seen = sorted(recorder.seen)
    assert len(seen) >= 25  # both profiles' units, side by side, drew from the allowance
    busiest = max(sum(1 for t in seen if start <= t < start + 1.0) for start in seen)
    assert busiest <= 10 + 2  # a second's worth, plus each profile's first request (sent before any answer)
    assert _tables(paced) == _tables(free) != {}
