"""Prove at run time that other languages' clients generated from openapi.yaml work: `tox -e consumers`.

Starts the sandbox over loopback (`--seed`/`--now` from queries.json), computes the reference totals of every
query in queries.json, and of every `admin_queries` entry, with the Python client (`oai_usage.UsageClient`: its
usage queries, Admin list queries and spend-limit reads), then runs each consumer against the same server and
fails unless every consumer reports the same totals for all 12 usage operations (pages, buckets, results, sum) and
the 10 Admin queries (pages, items, sum; every page followed with `after=last_id`); sums compared with a relative
tolerance of 1e-9:

- typescript: openapi-typescript + openapi-fetch, tsc strict (tools/consumers/typescript; `npm ci` there first);
- java: openapi-generator `native` (tools/consumers/java/run.py);
- pydantic: datamodel-code-generator models, strict, unknown fields forbidden (tools/consumers/pydantic_consumer.py);
- openai-sdk: the official SDK (`openai` 3.57) with its own models in strict mode, no unknown field, Admin queries only
  (tools/consumers/openai_sdk_consumer.py).

Each consumer prints `{operation: {"pages": n, "buckets": n, "results": n, "sum": x}}` (Admin queries:
`{"pages": n, "items": n, "sum": x}`) as JSON on stdout.

Every consumer runs against three servers, one after the other (Java builds once, `--reuse-build`):

- `sandbox`: the sandbox as it is, every key of openapi.yaml (queries.json);
- `legacy`: the sandbox with `--shape legacy`, the older shape real captures show (queries.json);
- `corpus`: the pages of tests/corpus replayed (tools/consumers/corpus_server.py; queries: tests/corpus/corpus.json).

    python tools/consumers/run.py                       # all consumers
    python tools/consumers/run.py --only typescript,pydantic
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
QUERIES = HERE / "queries.json"
TYPESCRIPT = HERE / "typescript"
KEY = "sk-admin-consumers"
TIMEOUT = 240  # seconds per consumer; the whole env must stay under five minutes
COUNTS = ("pages", "buckets", "results")

Totals = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Consumer:
    """How to run one consumer: a command line given the base URL."""

    name: str
    # (base URL, the queries file, a private scratch folder, first target?) -> argv
    command: Callable[[str, Path, Path, bool], list[str]]
    prepare: Callable[[], None] | None = None
    # The docs/contract.md quickstart: prints {"pages": n, "input_tokens": n} for the completions query of queries.json.
    quickstart: Callable[[str], list[str]] | None = None
    # Extra checks on what the consumer wrote to stderr, given whether it ran the first target (one problem per line).
    check_stderr: Callable[[str, bool], list[str]] | None = None
    # Which queries it answers: "all" (usage and Admin) or "admin" (Admin queries only).
    scope: str = "all"


@dataclass(frozen=True)
class Target:
    """A server the consumers run against: its name, base URL, queries file and the Python client's totals."""

    name: str
    base_url: str
    queries: Path
    expected: Totals


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH (Node.js >= 20 is needed for the TypeScript consumer)")
    return npm


def _prepare_typescript() -> None:
    folder = TYPESCRIPT
    if not (folder / "node_modules").is_dir():
        subprocess.run([_npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)
    # Generate the types from openapi.yaml and compile with tsc (strict): a type error fails here.
    subprocess.run([_npm(), "run", "--silent", "build"], cwd=folder, check=True, stdout=sys.stderr)


CONSUMERS: Mapping[str, Consumer] = {
    "typescript": Consumer(
        "typescript",
        lambda url, queries, _, __: [
            "node",
            str(TYPESCRIPT / "build" / "main.js"),
            "--base-url",
            url,
            "--queries",
            str(queries),
        ],
        _prepare_typescript,
        lambda url: ["node", str(TYPESCRIPT / "build" / "quickstart.js")],
    ),
    "java": Consumer(
        "java",
        # A private build folder: the Java engineer's own runs use the default one at the same time.
        lambda url, queries, scratch, first: [
            sys.executable,
            str(HERE / "java" / "run.py"),
            "--base-url",
            url,
            "--queries",
            str(queries),
            "--build-dir",
            str(scratch / "java-build"),
            "--reuse-build",
            *(["--kotlin"] if first else ["--skip-quickstart"]),
        ],
        check_stderr=lambda stderr, first: _kotlin_keeps_open_enums(stderr) if first else [],
    ),
    "pydantic": Consumer(
        "pydantic",
        lambda url, queries, scratch, _: [
            sys.executable,
            str(HERE / "pydantic_consumer.py"),
            "--base-url",
            url,
            "--queries",
            str(queries),
            "--models-dir",
            str(scratch / "pydantic-models"),
        ],
    ),
    "openai-sdk": Consumer(
        "openai-sdk",
        lambda url, queries, _, __: [
            sys.executable,
            str(HERE / "openai_sdk_consumer.py"),
            "--base-url",
            url,
            "--queries",
            str(queries),
        ],
        scope="admin",
    ),
}


def _kotlin_keeps_open_enums(stderr: str) -> list[str]:
    """The Java consumer's `--kotlin` report: every property typed by an open enum must keep its value in Kotlin."""
    lines = [line.split("kotlin: ", 1)[1] for line in stderr.splitlines() if "kotlin: " in line]
    enums = [line for line in lines if ": " in line]
    if not {"ApiSource", "CostQuantityUnit"} <= {line.split(":", 1)[0] for line in enums}:
        return [f"kotlin: no open-enum report for ApiSource and CostQuantityUnit in {lines}"]
    return [f"kotlin: {line}" for line in enums if "EMPTY" in line or "(keeps the value)" not in line]


def _value(row: Any, path: str) -> float:
    value = row
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None or type(value).__name__ == "Unset":
            return 0
    return float(value) if isinstance(value, float) else int(value)


def reference(base_url: str, queries: list[dict[str, Any]]) -> Totals:
    """The totals of every query as the Python client sees them (one page after the other, as consumers read)."""
    from oai_usage import UsageClient

    out: Totals = {}
    with UsageClient(KEY, base_url=base_url) as client:
        for query in queries:
            totals: dict[str, float] = {"pages": 0, "buckets": 0, "results": 0, "sum": 0}
            for page in client.query(query["operation"], **query["params"]).with_concurrency(1).pages():
                totals["pages"] += 1
                for bucket in page.data:
                    totals["buckets"] += 1
                    for row in bucket.results:
                        totals["results"] += 1
                        totals["sum"] += _value(row, query["sum_field"])
            out[query["operation"]] = totals
    return out


# The Python client's method for each Admin operation of queries.json.
LIST_METHODS = {
    "listProjects": "projects",
    "listUsers": "users",
    "listProjectApiKeys": "project_api_keys",
    "listProjectServiceAccounts": "project_service_accounts",
    "listProjectUsers": "project_users",
    "listAdminApiKeys": "admin_api_keys",
    "listOrganizationSpendAlerts": "spend_alerts",
    "listProjectSpendAlerts": "project_spend_alerts",
}
LIMIT_METHODS = {"getOrganizationSpendLimit": "spend_limit", "getProjectSpendLimit": "project_spend_limit"}


def admin_reference(base_url: str, queries: list[dict[str, Any]]) -> Totals:
    """The totals of every Admin query through the Python client's Admin reads (its list queries page with
    `after=last_id` and refuse a repeated id; a spend limit is read back in cents)."""
    from oai_usage import UsageClient

    out: Totals = {}
    with UsageClient(KEY, base_url=base_url) as client:
        for query in queries:
            operation = query["operation"]
            args = list(query["path_params"].values())
            if operation in LIMIT_METHODS:
                limit = getattr(client, LIMIT_METHODS[operation])(*args)
                if limit is None:
                    raise RuntimeError(f"{operation}: no spend limit set")
                out[operation] = {"pages": 1, "items": 1, "sum": limit.cents}
                continue
            totals: dict[str, float] = {"pages": 0, "items": 0, "sum": 0}
            for page in getattr(client, LIST_METHODS[operation])(*args, **query["params"]).pages():
                totals["pages"] += 1
                for item in page.data:
                    totals["items"] += 1
                    totals["sum"] += item.get(query["sum_field"]) or 0
            out[operation] = totals
    return out


def compare(expected: Totals, got: Mapping[str, Any]) -> list[str]:
    """One line per operation whose totals differ (or that is missing) from the reference."""
    problems = []
    for operation, want in expected.items():
        have = got.get(operation)
        if not isinstance(have, Mapping):
            problems.append(f"{operation}: missing")
            continue
        for count in (c for c in want if c != "sum"):
            if have.get(count) != want[count]:
                problems.append(f"{operation}: {count} {have.get(count)!r}, expected {want[count]!r}")
        total = have.get("sum")
        if not isinstance(total, int | float) or not math.isclose(total, want["sum"], rel_tol=1e-9, abs_tol=0):
            problems.append(f"{operation}: sum {total!r}, expected {want['sum']!r}")
    return problems


def run_consumer(consumer: Consumer, targets: list[Target]) -> tuple[str, float, list[str]]:
    """Prepare one consumer and run it against every target in turn; (name, seconds, problems: `target: ...`)."""
    started = time.monotonic()
    try:
        if consumer.prepare is not None:
            consumer.prepare()
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        return consumer.name, time.monotonic() - started, [f"could not run: {exc}"]
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix=f"oai-usage-{consumer.name}-") as scratch:
        for index, target in enumerate(targets):
            problems += [f"{target.name}: {p}" for p in _run_target(consumer, target, Path(scratch), index == 0)]
    return consumer.name, time.monotonic() - started, problems


def _run_target(consumer: Consumer, target: Target, scratch: Path, first: bool) -> list[str]:
    """Run one consumer against one target; the problems found."""
    env = dict(os.environ, OPENAI_ADMIN_KEY=KEY, OPENAI_BASE_URL=target.base_url)
    try:
        done = subprocess.run(
            consumer.command(target.base_url, target.queries, scratch, first),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
            cwd=ROOT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return [f"could not run: {exc}"]
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        return [f"exit {done.returncode}:\n{tail}"]
    try:
        got = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return [f"no JSON result on stdout: {done.stdout[-500:]!r}"]
    expected = target.expected
    if consumer.scope == "admin":
        expected = {op: totals for op, totals in expected.items() if "items" in totals}
    problems = compare(expected, got)
    if consumer.check_stderr is not None:
        problems += consumer.check_stderr(done.stderr, first)
    if first and consumer.quickstart is not None and "completions" in expected:
        problems += _check_quickstart(consumer.quickstart(target.base_url), env, expected["completions"])
    return problems


def _check_quickstart(command: list[str], env: Mapping[str, str], completions: Mapping[str, float]) -> list[str]:
    """Run a quickstart of docs/contract.md; it must report the completions query's pages and input tokens."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        return [f"quickstart: exit {done.returncode}: {done.stderr.strip()[-500:]}"]
    try:
        got = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return [f"quickstart: no JSON result on stdout: {done.stdout[-500:]!r}"]
    want = {"pages": completions["pages"], "input_tokens": completions["sum"]}
    return [] if got == want else [f"quickstart: {got}, expected {want}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CONSUMERS), help="comma-separated: " + ", ".join(CONSUMERS))
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONSUMERS]
    if unknown or not names:
        parser.error(f"--only: unknown consumer {', '.join(unknown) or '(none)'}; allowed: {', '.join(CONSUMERS)}")

    from corpus_server import MANIFEST, serve_corpus
    from oai_usage_sandbox import SandboxConfig, serve_in_thread

    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    corpus = json.loads(MANIFEST.read_text(encoding="utf-8"))
    started = time.monotonic()
    with contextlib.ExitStack() as servers:
        urls = {
            "sandbox": servers.enter_context(serve_in_thread(SandboxConfig(seed=spec["seed"], now=spec["now"]))),
            "legacy": servers.enter_context(
                serve_in_thread(SandboxConfig(seed=spec["seed"], now=spec["now"], shape="legacy"))
            ),
            "corpus": servers.enter_context(serve_corpus()),
        }
        targets = []
        for name, url in urls.items():
            doc, path = (corpus, MANIFEST) if name == "corpus" else (spec, QUERIES)
            expected = reference(url, doc["queries"]) | admin_reference(url, doc["admin_queries"])
            targets.append(Target(name, url, path, expected))
            print(f"reference (Python client) on {name} ({url}):")
            for operation, totals in expected.items():
                print(f"  {operation:<26} " + " ".join(f"{k} {v!r}" for k, v in totals.items()))
        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            outcomes = list(pool.map(lambda n: run_consumer(CONSUMERS[n], targets), names))
    failed = False
    for name, seconds, problems in outcomes:
        if problems:
            failed = True
            print(f"{name}: FAILED ({seconds:.1f} s)")
            print("\n".join(f"  {p}" for p in problems))
            continue
        counts = []
        for target in targets:
            scope = [
                op for op, totals in target.expected.items() if CONSUMERS[name].scope == "all" or "items" in totals
            ]
            counts.append(f"{len(scope)}/{len(scope)} on {target.name}")
        print(f"{name}: operations match the reference, {', '.join(counts)} ({seconds:.1f} s)")
    print(f"consumers: {'FAILED' if failed else 'ok'} in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
