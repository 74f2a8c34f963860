"""Run every case side by side against one sandbox server, then write bench/results.md and bench/results.png.

    python -m bench            (or: python bench/run.py)

Timing cases run against `serve_in_thread(SandboxConfig(latency_ms=50))` over loopback, each in its own
subprocess (fresh interpreter, its own peak RSS), three times, keeping the median wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import decoding, report
from bench.cases import CASES
from bench.scenarios import HISTORY_DAYS, NOW, SCENARIOS

ROOT = Path(__file__).resolve().parent
REPEATS = 3
TIMED = ("hourly30", "minute7")
MEMORY = ("hourly91", "hourly182", "hourly365")


def run_case(case: str, scenario: str, url: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.cases", case, scenario, url]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT.parent, check=False, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{case} / {scenario} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def timed(case: str, scenario: str, url: str) -> dict[str, Any]:
    runs = [run_case(case, scenario, url) for _ in range(REPEATS)]
    best = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    best["walls"] = [r["wall"] for r in runs]
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def main() -> None:
    from oai_usage_sandbox import SandboxConfig, serve_in_thread

    results: dict[str, Any] = {"timed": {}, "memory": {}}
    config = SandboxConfig(latency_ms=50, now=NOW, history_days=HISTORY_DAYS)
    with serve_in_thread(config) as url:
        for scenario in TIMED:
            for case in CASES:
                result = timed(case, scenario, url)
                results["timed"].setdefault(scenario, {})[case] = result
                print(
                    f"{scenario:10} {case:40} {result['wall']:7.2f} s  {result['requests']:4} requests  "
                    f"{result['rows']:7} rows  {result['peak_rss_mb']:6.1f} MB",
                    flush=True,
                )
        for scenario in MEMORY:
            result = run_case("oai-usage rows (default)", scenario, url)
            results["memory"][scenario] = result
            print(f"{scenario:10} memory: {result['peak_rss_mb']:.1f} MB peak, {result['rows']} rows", flush=True)
        results["decode"] = decoding.measure(decoding.page_bytes(url))
    for name, ms in results["decode"]["ms"].items():
        print(f"decode {name:48} {ms:7.2f} ms", flush=True)
    (ROOT / "results.json").write_text(json.dumps(results, indent=2))
    report.write(results, SCENARIOS, ROOT)
    print(f"wrote {ROOT / 'results.md'} and {ROOT / 'results.png'} (wall times: median of {REPEATS} runs)")


if __name__ == "__main__":
    main()
