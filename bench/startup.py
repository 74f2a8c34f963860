"""How fast `oai-usage` starts: `--help`, `--version` and `completion bash` against `python -c "import httpx"`.

    python -m bench.startup [--runs N]

Each command runs N times (default 21) in a fresh interpreter, interleaved so that machine noise hits every
command alike; the table shows the median wall time, and its ratio to the httpx import (the cost the
command line used to pay before it could even parse its arguments) and to a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "oai-usage"

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import httpx"': [sys.executable, "-c", "import httpx"],
    "oai-usage --version": [str(SCRIPT), "--version"],
    "oai-usage --help": [str(SCRIPT), "--help"],
    "oai-usage completion bash": [str(SCRIPT), "completion", "bash"],
    "oai-usage usage completions --help": [str(SCRIPT), "usage", "completions", "--help"],
    'python -c "import oai_usage"': [sys.executable, "-c", "import oai_usage"],
    'python -c "from oai_usage import UsageClient"': [sys.executable, "-c", "from oai_usage import UsageClient"],
}
BASELINE = 'python -c "import httpx"'
BARE = "python -c pass"


def measure(runs: int) -> dict[str, list[float]]:
    """Wall seconds of each command, `runs` times, in interleaved rounds."""
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            began = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
            walls[name].append(time.perf_counter() - began)
    return walls


def table(walls: dict[str, list[float]]) -> str:
    medians = {name: statistics.median(values) for name, values in walls.items()}
    lines = [
        "| command | median (ms) | x `import httpx` | x `python -c pass` |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, median in medians.items():
        lines.append(
            f"| `{name}` | {median * 1000:.0f} | {median / medians[BASELINE]:.2f} | {median / medians[BARE]:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    args = parser.parse_args(argv)
    walls = measure(args.runs)
    print(f"{args.runs} runs each, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(table(walls))


if __name__ == "__main__":
    main()
