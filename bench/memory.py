"""Memory of a first sync: peak RSS of `oai-usage sync` for 30, 90 and 365 days of the default plan.

    python -m bench.memory [--days 30 90 365] [--latency-ms 5] [--runs 3]

The sandbox server runs in this process over loopback ("now" pinned); each sync is `oai-usage sync --since Nd`
of the default plan (`--no-names`) in a fresh child process, which reports its own peak RSS as it exits (VmHWM on
Linux: see bench/rss.py; `ru_maxrss` from `wait4` would report this parent's size, sandbox history and all, whenever
that is the larger). The baseline is a child that only imports what a sync imports (the command line, DuckDB, httpx)
and opens a new warehouse, then exits: the part of the peak that does not depend on the history at all.
Each case runs --runs times (rounds of 30, 90 and 365 days), since a run's peak moves by a few MB with how the
writes fall. Target: at most 150 MB in every run, and no growth from 90 to 365 days (medians).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rss import peak_rss_mb

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
KEY_ENV = "BENCH_MEMORY_KEY"
TARGET_MB = 150.0
ROOT = Path(__file__).resolve().parent.parent


def _run_child(argv: list[str], env: dict[str, str]) -> tuple[int, float, float, float, str]:
    """Run `python -m bench.memory --child PEAK_FILE ARGV`; (exit code, the child's own peak RSS in MB, wall seconds,
    CPU seconds (user and system), last stderr line)."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        command = [sys.executable, "-m", "bench.memory", "--child", str(peak_file), *argv]
        started = time.perf_counter()
        with subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) as child:  # fmt: skip
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            stderr = child.stderr.read() if child.stderr else ""
        reported = peak_file.read_text().strip() if peak_file.exists() else ""
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if not reported:
        raise RuntimeError(f"the child {' '.join(argv[:1])} did not report its peak (exit {child.returncode}): {last}")
    return child.returncode, float(reported), wall, usage.ru_utime + usage.ru_stime, last


def _rows(db: Path) -> int:
    import duckdb
    from oai_usage.endpoints import ENDPOINTS
    from oai_usage.warehouse.store import table_name

    with duckdb.connect(str(db), read_only=True) as con:
        counts = [con.execute(f"SELECT count(*) FROM {table_name(e)}").fetchone() for e in ENDPOINTS]
    return sum(int(found[0]) for found in counts if found)


def measure(days: list[int], latency_ms: int, runs: int = 3) -> list[dict[str, Any]]:
    """The baseline and each case `runs` times, in rounds (30, 90, 365 days, then again), each a fresh process."""
    from oai_usage_sandbox import SandboxConfig, serve_in_thread  # here: the children measured never import it

    env = {**os.environ, KEY_ENV: "sk-admin-bench-memory"}
    sandbox = SandboxConfig(now=int(NOW.timestamp()), latency_ms=latency_ms, history_days=max(days) + 5)
    cases: dict[int, dict[str, Any]] = {0: {"label": "baseline: imports and a new warehouse, no sync", "days": 0,
                                            "rows": 0, "runs": []}}  # fmt: skip
    for n in days:
        cases[n] = {"label": f"first sync, {n} days, default plan", "days": n, "rows": 0, "runs": []}
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(sandbox) as url:
        folder = Path(tmp)
        config = folder / "oai-usage.toml"
        config.write_text(f'[profiles.bench]\nkey_env = "{KEY_ENV}"\nbase_url = "{url}"\n')
        config.chmod(0o600)
        for round_ in range(runs):
            for n in cases:
                db = folder / f"case-{n}-{round_}.duckdb"
                sync = ["sync", "--config", str(config), "--db", str(db), "--since", f"{n}d", "--no-names"]
                argv = ["baseline", str(db)] if n == 0 else sync
                code, peak, wall, cpu, last = _run_child(argv, env)
                if code != 0:
                    raise RuntimeError(f"the {cases[n]['label']} child failed: {last}")
                cases[n]["runs"].append({"peak": peak, "wall": wall, "cpu": cpu})
                if n and round_ == 0:  # every round stores the same rows
                    cases[n]["rows"] = _rows(db)
                db.unlink()
    for case in cases.values():
        case["peak"] = statistics.median(r["peak"] for r in case["runs"])
        case["worst"] = max(r["peak"] for r in case["runs"])
        case["wall"] = statistics.median(r["wall"] for r in case["runs"])
        case["cpu"] = statistics.median(r["cpu"] for r in case["runs"])
    return list(cases.values())


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| case | rows stored | peak RSS, median (MB) | each run (MB) | median above baseline (MB) | wall (s) | "
             "CPU (s) |", "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    base = results[0]["peak"]
    for r in results:
        above = "—" if r["days"] == 0 else f"{r['peak'] - base:.1f}"
        each = ", ".join(f"{run['peak']:.1f}" for run in r["runs"])
        lines.append(f"| {r['label']} | {r['rows']:,} | {r['peak']:.1f} | {each} | {above} | {r['wall']:.1f} | "
                     f"{r['cpu']:.1f} |")  # fmt: skip
    return "\n".join(lines)


def verdict(results: list[dict[str, Any]]) -> str:
    """The targets: every run of every sync at most TARGET_MB; the median 365-day peak within the noise (5 % or 5 MB)
    of the median 90-day one. Medians for the growth: a run's peak moves by a few MB with how the writes fall."""
    syncs = {r["days"]: r for r in results if r["days"]}
    worst = max(r["worst"] for r in syncs.values())
    lines = [f"target: peak <= {TARGET_MB:.0f} MB in every run: {'met' if worst <= TARGET_MB else 'NOT met'} "
             f"(highest {worst:.1f} MB)"]  # fmt: skip
    if 90 in syncs and 365 in syncs:
        quarter, year = syncs[90]["peak"], syncs[365]["peak"]
        growth = year - quarter
        flat = growth <= max(0.05 * quarter, 5.0)
        lines.append(f"target: no growth from 90 to 365 days (medians, within 5 % or 5 MB): "
                     f"{'met' if flat else 'NOT met'} ({growth:+.1f} MB)")  # fmt: skip
    return "\n".join(lines)


def child(peak_file: str, argv: list[str]) -> int:
    """Run one measured case and write this process's own peak RSS (MB) to `peak_file`, whatever the outcome."""
    try:
        return _case(argv)
    finally:
        Path(peak_file).write_text(f"{peak_rss_mb():.1f}\n")


def _case(argv: list[str]) -> int:
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
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (default 3)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    results = measure(args.days, args.latency_ms, args.runs)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"Sandbox over loopback, latency {args.latency_ms} ms; each run a fresh `oai-usage` process "
          f"(its own peak RSS, VmHWM on Linux), {args.runs} runs of each case; {machine}.\n")  # fmt: skip
    print(table(results))
    print()
    print(verdict(results))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(child(sys.argv[2], sys.argv[3:]))
    main()
