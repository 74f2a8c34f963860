"""Run schemathesis against a live sandbox: every response must conform to openapi.yaml. Exit status = failures.

Starts the sandbox (uvicorn) on a free loopback port in a background thread, then runs the schemathesis CLI on it.

Choices:
* `--checks all`, with `positive_data_acceptance` told that 400 is an acceptable answer to schema-valid input: the
  spec cannot express cross-parameter rules (a `limit` valid for `1m` is too big for `1d`; `end_time` must follow
  `start_time`; a `page` cursor must come from the same query), so the sandbox rightly answers some valid-looking
  requests with 400, and the 400 body itself is still checked against the spec's BadRequest response.
* `negative_data_rejection` stays on: malformed input (non-integers, unknown enum values) must be a 4xx.
* `ignored_auth` stays on: requests without the bearer key must get 401.
* Examples are bounded (`generation.max-examples`) so the run takes well under three minutes on two cores.
* `now` is pinned so the data, and therefore any failure, is reproducible.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from oai_usage_sandbox import SandboxConfig, serve_in_thread

REPO = Path(__file__).resolve().parent.parent

CONFIG_TOML = """
[generation]
max-examples = {examples}
database = "none"

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404"]
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and phase (default 100)")
    parser.add_argument("--workers", default="2", help="schemathesis workers (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    args = parser.parse_args(argv)
    config = SandboxConfig(seed=0, now=1_793_491_200 + 3 * 86_400 + 12_345)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = str(schemathesis) if schemathesis.exists() else "schemathesis"
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(config) as base_url:
        toml = Path(tmp) / "schemathesis.toml"
        toml.write_text(CONFIG_TOML.format(examples=args.examples), encoding="utf-8")
        cmd = [
            command,
            "--config-file",
            str(toml),
            "run",
            str(REPO / "openapi.yaml"),
            "--url",
            base_url,
            "-H",
            "Authorization: Bearer sk-admin-sandbox",
            "--checks",
            "all",
            "--workers",
            args.workers,
            "--seed",
            str(args.seed),
            "--request-timeout",
            "30",
        ]
        print("+", " ".join(cmd), flush=True)
        env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
        # cwd=tmp: schemathesis keeps a crash cache in ./.schemathesis, which must not land in the repository
        return subprocess.run(cmd, check=False, env=env, cwd=tmp).returncode


if __name__ == "__main__":
    raise SystemExit(main())
