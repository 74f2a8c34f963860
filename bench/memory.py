"""Memory of a first sync: peak RSS of `oai-usage sync` for 30, 90 and 365 days of the default plan.

    python -m bench.memory [--days 30 90 365] [--latency-ms 5]

The sandbox server runs in this process over loopback ("now" pinned); each sync is `oai-usage sync --since Nd`
of the default plan (`--no-names`) in a fresh child process, whose peak RSS (`ru_maxrss`, from `wait4`) is read
when it exits. The baseline is a child that only imports what a sync imports (the command line, DuckDB, httpx)
and opens a new warehouse, then exits: the part of the peak that does not depend on the history at all.
Target: at most 150 MB, and no growth from 90 to 365 days.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
KEY_ENV = "BENCH_MEMORY_KEY"
TARGET_MB = 150.0
ROOT = Path(__file__).resolve().parent.parent


def _run_child(argv: list[str], env: dict[str, str]) -> tuple[int, float, float, float, str]:
    """Run `python -m bench.memory --child ARGV`; (exit code, peak RSS in MB, wall seconds, CPU seconds (user and
    system), last stderr line)."""
    command = [sys.executable, "-m", "bench.memory", "--child", *argv]
    started = time.perf_counter()
    with subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True) as child:  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr = child.stderr.read() if child.stderr else ""
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return child.returncode, usage.ru_maxrss * scale / 2**20, wall, usage.ru_utime + usage.ru_stime, last


def _rows(db: Path) -> int:
    import duckdb
    from oai_usage.endpoints import ENDPOINTS
    from oai_usage.warehouse.store import table_name

    with duckdb.connect(str(db), read_only=True) as con:
        counts = [con.execute(f"SELECT count(*) FROM {table_name(e)}").fetchone() for e in ENDPOINTS]
    return sum(int(found[0]) for found in counts if found)


def measure(days: list[int], latency_ms: int) -> list[dict[str, Any]]:
    from oai_usage_sandbox import SandboxConfig, serve_in_thread  # here: the children measured never import it

    results: list[dict[str, Any]] = []
    env = {**os.environ, KEY_ENV: "sk-admin-bench-memory"}
    sandbox = SandboxConfig(now=int(NOW.timestamp()), latency_ms=latency_ms, history_days=max(days) + 5)
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(sandbox) as url:
        folder = Path(tmp)
        config = folder / "oai-usage.toml"
        config.write_text(f'[profiles.bench]\nkey_env = "{KEY_ENV}"\nbase_url = "{url}"\n')
        config.chmod(0o600)
        code, peak, wall, cpu, last = _run_child(["baseline", str(folder / "baseline.duckdb")], env)
        if code != 0:
            raise RuntimeError(f"the baseline child failed: {last}")
        results.append({"label": "baseline: imports and a new warehouse, no sync", "days": 0, "rows": 0,
                        "peak": peak, "wall": wall, "cpu": cpu})  # fmt: skip
        for n in days:
            db = folder / f"sync-{n}.duckdb"
            argv = ["sync", "--config", str(config), "--db", str(db), "--since", f"{n}d", "--no-names"]
            code, peak, wall, cpu, last = _run_child(argv, env)
            if code != 0:
                raise RuntimeError(f"the {n}-day sync failed: {last}")
            results.append({"label": f"first sync, {n} days, default plan", "days": n, "rows": _rows(db),
                            "peak": peak, "wall": wall, "cpu": cpu})  # fmt: skip
    return results


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| case | rows stored | peak RSS (MB) | above baseline (MB) | wall (s) | CPU (s) |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    base = results[0]["peak"]
    for r in results:
        above = "—" if r["days"] == 0 else f"{r['peak'] - base:.1f}"
        lines.append(f"| {r['label']} | {r['rows']:,} | {r['peak']:.1f} | {above} | {r['wall']:.1f} | {r['cpu']:.1f} |")
    return "\n".join(lines)


def verdict(results: list[dict[str, Any]]) -> str:
    syncs = {r["days"]: r["peak"] for r in results if r["days"]}
    worst = max(syncs.values())
    lines = [f"target: peak <= {TARGET_MB:.0f} MB: {'met' if worst <= TARGET_MB else 'NOT met'} ({worst:.1f} MB)"]
    if 90 in syncs and 365 in syncs:
        growth = syncs[365] - syncs[90]
        flat = growth <= max(0.05 * syncs[90], 5.0)  # within noise: 5 % or 5 MB
        lines.append(f"target: no growth from 90 to 365 days: {'met' if flat else 'NOT met'} ({growth:+.1f} MB)")
    return "\n".join(lines)


def child(argv: list[str]) -> int:
    if argv[:1] == ["baseline"]:  # what every sync loads and opens, and nothing else
        import duckdb  # noqa: F401
        import httpx  # noqa: F401
        import oai_usage.cli.main
        import oai_usage.warehouse.sync  # noqa: F401
        from oai_usage.warehouse.store import Warehouse

        Warehouse(argv[1]).close()
        return 0
    from oai_usage.cli.main import run

    return run(argv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[30, 90, 365])
    parser.add_argument("--latency-ms", type=int, default=5)
    args = parser.parse_args()
    results = measure(args.days, args.latency_ms)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"Sandbox over loopback, latency {args.latency_ms} ms; each case a fresh `oai-usage` process "
          f"(ru_maxrss); {machine}.\n")  # fmt: skip
    print(table(results))
    print()
    print(verdict(results))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(child(sys.argv[2:]))
    main()
