"""The warehouse: requests and wall time of a first sync and of a re-sync right after, `report --db` over a year of
hourly data, and the warehouse's size per month of data.

    python -m bench.sync [--days 90] [--latency-ms 50]

The syncs run against the sandbox server over loopback (`serve_in_thread`, "now" pinned, revisions on, the given
latency per request) with the default plan of oai-usage.toml; requests are counted with an httpx event hook.
The re-sync runs one minute after the first: it should send one page per unit (the grace window only).
The name directory's step (`sync_names`) is timed on its own, over the same loopback server.
`report --db` is timed in process (median of 5) on a warehouse holding 366 days of the report's hourly units.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from oai_usage import UsageClient
from oai_usage.cli.main import run
from oai_usage.warehouse.config import PlanEntry, SyncConfig
from oai_usage.warehouse.names import sync_names
from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import sync
from oai_usage_sandbox import SandboxConfig, SandboxTransport, serve_in_thread

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
KEY = "sk-admin-bench"


def _client(base_url: str | None, now: datetime, counter: list[int], history_days: int = 120) -> UsageClient:
    def count(request: httpx.Request) -> None:
        counter[0] += 1

    if base_url is None:  # in process
        transport = SandboxTransport(SandboxConfig(now=int(now.timestamp()), history_days=history_days))
        http = httpx.Client(transport=transport, event_hooks={"request": [count]})
        return UsageClient(KEY, base_url="https://api.openai.com/v1", http_client=http)
    http = httpx.Client(base_url=base_url, event_hooks={"request": [count]}, timeout=60)
    return UsageClient(KEY, base_url=base_url, http_client=http)


def first_and_resync(days: int, latency_ms: int, folder: Path) -> list[tuple[str, str]]:
    config = SyncConfig(since=f"{days}d")
    db = folder / "sync.duckdb"
    results: list[tuple[str, str]] = []
    with Warehouse(db) as warehouse:
        for label, now in ((f"first sync, {days} days", NOW), ("re-sync 1 minute later", NOW + timedelta(minutes=1))):
            sandbox = SandboxConfig(now=int(now.timestamp()), latency_ms=latency_ms, history_days=max(120, days + 5))
            with serve_in_thread(sandbox) as base_url:
                counter = [0]
                with _client(base_url, now, counter) as client:
                    started = time.perf_counter()
                    done = sync(warehouse, client, config, "bench", now=now)
                    wall = time.perf_counter() - started
            results.append(
                (label, f"{counter[0]} requests, {len(done.units)} units, {done.rows} rows, {wall:.2f} s wall")
            )
    months = days / 30.4375
    results.append(("warehouse size (default plan)", f"{db.stat().st_size / 2**20:.1f} MB for {days} days: "
                    f"{db.stat().st_size / 2**20 / months:.1f} MB per month"))  # fmt: skip
    return results


def names_step(latency_ms: int, folder: Path) -> list[tuple[str, str]]:
    """The name directory's step of a sync (projects, users, admin keys, then each project's keys and service
    accounts, side by side): requests, names and wall time, and the same again (the names are replaced in place)."""
    db = folder / "names.duckdb"
    results: list[tuple[str, str]] = []
    with Warehouse(db) as warehouse:
        for label in ("names step of a sync", "names step again"):
            sandbox = SandboxConfig(now=int(NOW.timestamp()), latency_ms=latency_ms)
            with serve_in_thread(sandbox) as base_url:
                counter = [0]
                with _client(base_url, NOW, counter) as client:
                    started = time.perf_counter()
                    done = sync_names(warehouse, client, "bench", synced_at=NOW)
                    wall = time.perf_counter() - started
            results.append((label, f"{counter[0]} requests, {done.total} names, {wall:.2f} s wall"))
    return results


def report_over_a_year(folder: Path) -> list[tuple[str, str]]:
    """A warehouse of 366 days of the report's units (hourly volume), then `report --db --since 183d --tz`."""
    plan = (
        PlanEntry("1d", ("project_id", "line_item"), ("costs",)),
        PlanEntry("1d", (), ("costs",)),
        PlanEntry("1h", ("model",), ("completions", "embeddings")),
        PlanEntry("1h", (), ("completions", "embeddings")),
    )
    config = SyncConfig(endpoints=("costs", "completions", "embeddings"), plan=plan, since="367d")
    db = folder / "year.duckdb"
    counter = [0]
    with Warehouse(db) as warehouse, _client(None, NOW, counter, history_days=400) as client:
        started = time.perf_counter()
        done = sync(warehouse, client, config, "sandbox", now=NOW)
        fill = time.perf_counter() - started
    walls = []
    for _ in range(5):
        with contextlib.redirect_stdout(io.StringIO()):
            started = time.perf_counter()
            code = run(["report", "--db", str(db), "--since", "183d", "--tz", "Europe/Berlin", "--format", "json"])
            walls.append(time.perf_counter() - started)
        assert code == 0
    size = db.stat().st_size / 2**20
    return [
        (
            "year of hourly data (report units)",
            f"{done.rows} rows, {counter[0]} requests in process, {fill:.1f} s; "
            f"{size:.1f} MB: {size / 12:.2f} MB per month",
        ),
        ("report --db --since 183d --tz (a year of 1h)", f"{statistics.median(walls) * 1000:.0f} ms median of 5"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = first_and_resync(args.days, args.latency_ms, Path(tmp)) + names_step(args.latency_ms, Path(tmp))
        rows += report_over_a_year(Path(tmp))
    print(f"| case (sandbox over loopback, latency {args.latency_ms} ms) | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
