"""Backfill at the allowed rate: a first sync of 365 days of the default plan against a rate-limited sandbox.

    python -m bench.backfill [--rate 600] [--latency-ms 50] [--orgs 5]

The sandbox runs in this process over loopback (`serve_in_thread`, "now" pinned, `--rate-limit` per key,
`latency_ms` per request); each sync is `oai-usage sync` in its own subprocess, with a config of N profiles,
each its own key. The floor is the requests a sync needs (counted on a server without a limit) divided by the
allowed rate; orgs have their own keys, so N orgs side by side have the same floor as one. CPU is counted apart
for the sync's process (client CPU: decode, warehouse writes) and this process (sandbox CPU: serving the pages), as
both share the machine's cores; on a loaded machine they say more than the wall time. Every sync's tables
are compared with the unlimited sync's, organization by organization: nothing lost, nothing twice.

Cases: "before" is the sync as it was (units one after the other, no pacing: it learns the limit only from 429s),
run by setting OAI_USAGE_BENCH_UNPACED=1 in its process; "after" is the sync as it is (units and organizations
side by side, one pacer per key that reads the stated limit).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oai_usage_sandbox import Sandbox, SandboxConfig, serve_in_thread

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
TABLES = ("costs", "completions", "embeddings", "images", "moderations", "audio_speeches", "audio_transcriptions",
          "vector_stores", "code_interpreter_sessions", "file_search_calls", "web_search_calls",
          "decisions")  # fmt: skip
UNPACED = "OAI_USAGE_BENCH_UNPACED"
CHILDREN = resource.RUSAGE_CHILDREN


def _config(folder: Path, url: str, orgs: int) -> Path:
    profiles = "".join(f'\n[profiles.org{n}]\nkey_env = "BENCH_KEY_{n}"\nbase_url = "{url}"\n' for n in range(orgs))
    path = folder / f"oai-usage-{orgs}.toml"
    path.write_text('since = "365d"\n' + profiles)
    path.chmod(0o600)
    return path


def _sync(folder: Path, sandbox: Sandbox, orgs: int, label: str, *, unpaced: bool = False) -> dict[str, Any]:
    db = folder / f"{label}.duckdb"
    env = {**os.environ, **{f"BENCH_KEY_{n}": f"sk-admin-bench-{n}" for n in range(orgs)}}
    if unpaced:
        env[UNPACED] = "1"
    with serve_in_thread(sandbox=sandbox) as url:
        config = _config(folder, url, orgs)
        command = [sys.executable, "-m", "bench.backfill", "--child", "sync", "--config", str(config), "--db", str(db),
                   "--all-profiles", "--no-names"]  # fmt: skip
        started, server_cpu, children = time.perf_counter(), time.process_time(), resource.getrusage(CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=1800,
                              cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
        wall = time.perf_counter() - started
        server_cpu = time.process_time() - server_cpu  # the sandbox's threads, in this process
        after = resource.getrusage(CHILDREN)
        client_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    failure = done.stderr.strip().splitlines()[-1] if done.returncode != 0 and done.stderr.strip() else None
    rates = sandbox.rates
    served = rates.served if rates else 0
    refused = rates.refused if rates else 0
    return {"label": label, "db": db, "wall": wall, "client_cpu": client_cpu, "server_cpu": server_cpu,
            "served": served, "refused": refused, "failure": failure,
            "faults": sum(sandbox.faults_served.values())}  # fmt: skip


def _tables(db: Path, organization: str) -> dict[str, list[tuple[Any, ...]]]:
    import duckdb
    from oai_usage.warehouse.store import table_name

    query = "SELECT * EXCLUDE (organization) FROM {} WHERE organization = ? ORDER BY ALL"
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(query.format(table_name(t)), [organization]).fetchall() for t in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=600, help="requests a minute per key (default 600)")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--orgs", type=int, default=5)
    args = parser.parse_args()

    def sandbox(rate: int, fault_rate: float = 0.0) -> Sandbox:
        return Sandbox(SandboxConfig(now=int(NOW.timestamp()), latency_ms=args.latency_ms, history_days=370,
                                     rate_limit=rate, fault_rate=fault_rate, fault_seed=7))  # fmt: skip

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reference = _sync(folder, sandbox(10**6), 1, "reference")  # counts the requests; a limit never reached
        if reference["failure"]:
            raise RuntimeError(f"the reference sync failed: {reference['failure']}")
        needed = reference["served"]
        truth = _tables(reference["db"], "org0")
        cases = [
            ("before: units one after the other, unpaced, 1 org", 1, 0.0, True),
            ("after: 1 org", 1, 0.0, False),
            (f"after: {args.orgs} orgs, own keys", args.orgs, 0.0, False),
            (f"after: {args.orgs} orgs, own keys, --fault-rate 0.1", args.orgs, 0.1, False),
        ]
        for number, (label, orgs, faults, unpaced) in enumerate(cases):
            result = _sync(folder, sandbox(args.rate, faults), orgs, f"case{number}", unpaced=unpaced)  # a new database
            equal = not result["failure"] and all(_tables(result["db"], f"org{n}") == truth for n in range(orgs))
            result.update(label=label, orgs=orgs, equal=equal)
            rows.append(result)
    floor = needed / (args.rate / 60)
    print(f"Sandbox over loopback, latency {args.latency_ms} ms, rate limit {args.rate} requests a minute per key; "
          f"a sync needs {needed} requests per organization (floor {floor:.1f} s).\n")  # fmt: skip
    print("| case | wall (s) | vs floor | client CPU (s) | sandbox CPU (s) | requests served | 429 (rate) | 429 share "
          "| faults injected | data equal |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        total = r["served"] + r["refused"]
        print(
            f"| {r['label']} | {r['wall']:.1f} | {r['wall'] / floor:.2f}x | {r['client_cpu']:.1f} | "
            f"{r['server_cpu']:.1f} | {r['served']} | {r['refused']} | "
            f"{100 * r['refused'] / max(total, 1):.1f} % | {r['faults']} | {_verdict(r)} |"
        )


def _verdict(result: dict[str, Any]) -> str:
    if result["failure"]:
        return f"**no**: the sync failed ({result['failure'].removeprefix('oai-usage: error: ')[:60]}...)"
    return "yes" if result["equal"] else "**no**"


def child(argv: list[str]) -> int:
    """`oai-usage` itself, optionally as it was before pacing (the "before" case): no pacer learns anything."""
    from oai_usage.cli.main import run

    if os.environ.get(UNPACED) == "1":
        import oai_usage.warehouse.sync as warehouse_sync
        from oai_usage.limiter import RatePacer

        RatePacer.observe = lambda self, *a, **k: None  # type: ignore[method-assign]
        warehouse_sync.UNITS_AT_ONCE = 1
    return run(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(child(sys.argv[2:]))
    main()
