"""Soak: many full-range fetches against the sandbox with every fault on; nothing lost, nothing duplicated.

    python -m bench.soak [--runs 120] [--fault-rate 0.25] [--seed 1] [--concurrency 8]

Each run picks an endpoint (round robin over all 12), a bucket width, a range of several pages and a grouping,
and fetches its rows from a sandbox server on loopback that injects 429s with Retry-After, 500/502/503 with JSON
and HTML bodies, 520s, dropped connections, responses slower than the client's timeout and truncated bodies.
A run that raises must raise one of our typed errors carrying a resume point, and resuming (as often as it
takes) must complete it. Every run's rows must equal the fault-free answer, row for row. Prints counts; exits 1
on any data mismatch or untyped error.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from oai_usage import OaiUsageError, UsageClient
from oai_usage.endpoints import ENDPOINTS
from oai_usage_sandbox import Sandbox, SandboxConfig, SandboxTransport, serve_in_thread

KEY = "sk-admin-soak"
NOW = 1795910400  # 2026-11-29T00:00:00Z: pinned so every run has a fixed fault-free answer
DAY = 86400
MAX_RESUMES = 200  # per run: far above what a 25 % fault rate needs, low enough to stop a livelock


@dataclass
class SoakReport:
    """What a soak did and found; `mismatches` and `untyped_errors` must be 0."""

    runs: int = 0
    clean_runs: int = 0  # completed without raising
    resumed_runs: int = 0  # raised at least once, then resumed to completion
    resumes: int = 0
    rows: int = 0
    retries: int = 0  # retries the client made by itself (it logs each on the "oai_usage" logger)
    errors: Counter[str] = field(default_factory=Counter)  # typed errors raised to the caller, by class
    faults: Counter[str] = field(default_factory=Counter)  # injected by the sandbox, by kind
    mismatches: int = 0
    untyped_errors: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.mismatches == 0 and self.untyped_errors == 0

    def lines(self) -> list[str]:
        faults = ", ".join(f"{kind} {n}" for kind, n in sorted(self.faults.items())) or "none"
        errors = ", ".join(f"{kind} {n}" for kind, n in sorted(self.errors.items())) or "none"
        return [
            f"runs                 {self.runs} ({self.clean_runs} clean, {self.resumed_runs} resumed)",
            f"rows checked         {self.rows}",
            f"faults injected      {sum(self.faults.values())} ({faults})",
            f"retries by client    {self.retries}",
            f"errors raised        {sum(self.errors.values())} ({errors}); resumed {self.resumes} times",
            f"untyped errors       {self.untyped_errors}",
            f"data mismatches      {self.mismatches}",
            f"time                 {self.seconds:.1f} s",
        ]


@dataclass(frozen=True)
class Run:
    """One fetch: an endpoint and its parameters."""

    endpoint: str
    params: dict[str, Any]


def plan(runs: int, seed: int) -> list[Run]:
    """Deterministic runs: every endpoint in turn, a width it allows, a range of a few pages, maybe a grouping."""
    rng = random.Random(seed)
    names = list(ENDPOINTS)
    spans = {"1d": (20 * DAY, 150 * DAY), "1h": (3 * DAY, 25 * DAY), "1m": (DAY // 2, 3 * DAY)}
    planned: list[Run] = []
    for i in range(runs):
        endpoint = ENDPOINTS[names[i % len(names)]]
        width = rng.choice(endpoint.bucket_widths)
        low, high = spans[width]
        end = NOW - rng.randrange(0, 5 * DAY)
        start = end - rng.randrange(low, high)
        if rng.random() < 0.5:
            start -= start % 3600  # aligned half the time; an unaligned start gives a partial first bucket
        params: dict[str, Any] = {"start_time": start, "end_time": end, "bucket_width": width}
        if rng.random() < 0.6:
            params["group_by"] = rng.sample(list(endpoint.group_by), k=min(2, len(endpoint.group_by)))
        planned.append(Run(endpoint.name, params))
    return planned


class _RetryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "; retry " in record.getMessage():
            self.count += 1


def _fetch(client: UsageClient, run: Run, report: SoakReport) -> list[dict[str, Any]]:
    """Every row of one run, resuming after each raised error; typed errors only."""
    query = client.query(run.endpoint, **run.params)
    current = query
    rows: list[dict[str, Any]] = []
    raised = 0
    while True:
        try:
            rows.extend(current.rows())
            break
        except OaiUsageError as error:
            report.errors[type(error).__name__] += 1
            if error.resume is None or raised >= MAX_RESUMES:
                raise
            raised += 1
            current = query.resume(error.resume)
    report.resumes += raised
    if raised:
        report.resumed_runs += 1
    else:
        report.clean_runs += 1
    return rows


def soak(
    runs: int = 120,
    *,
    fault_rate: float = 0.25,
    seed: int = 1,
    concurrency: int = 8,
    max_retries: int = 1,
    timeout: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> SoakReport:
    """Run the soak and return its report (does not print)."""
    report = SoakReport()
    config = SandboxConfig(
        seed=seed,
        now=NOW,
        fault_rate=fault_rate,
        fault_seed=seed,
        slow_seconds=timeout + 1.0,  # past the timeout: the client gives up and retries
        retry_after_seconds=1,
    )
    reference_http = httpx.Client(transport=SandboxTransport(SandboxConfig(seed=seed, now=NOW)))
    reference = UsageClient(KEY, http_client=reference_http, max_concurrency=1, max_retries=0)
    sandbox = Sandbox(config)
    counter = _RetryCounter()
    transport_log = logging.getLogger("oai_usage")
    transport_log.addHandler(counter)
    previous_level = transport_log.level
    transport_log.setLevel(logging.INFO)
    started = time.perf_counter()
    try:
        with (
            serve_in_thread(sandbox=sandbox) as url,
            UsageClient(
                KEY, base_url=url, timeout=timeout, max_concurrency=concurrency, max_retries=max_retries, sleep=sleep
            ) as client,
        ):
            for run in plan(runs, seed):
                expected = list(reference.query(run.endpoint, **run.params).rows())
                report.runs += 1
                try:
                    got = _fetch(client, run, report)
                except Exception:  # an untyped error, or a typed one without a resume point: both are failures
                    logging.getLogger(__name__).exception("run %s %s failed", run.endpoint, run.params)
                    report.untyped_errors += 1
                    continue
                report.rows += len(got)
                if got != expected:
                    report.mismatches += 1
    finally:
        transport_log.removeHandler(counter)
        transport_log.setLevel(previous_level)
        reference.close()
        reference_http.close()
    report.retries = counter.count
    report.faults = Counter(sandbox.faults_served)
    report.seconds = time.perf_counter() - started
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=120, help="full-range fetches (default 120)")
    parser.add_argument("--fault-rate", type=float, default=0.25, help="share of requests faulted (default 0.25)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the runs, the organization and the faults")
    parser.add_argument("--concurrency", type=int, default=8, help="the client's max_concurrency (default 8)")
    parser.add_argument("--max-retries", type=int, default=1, help="the client's max_retries (default 1: more resumes)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)  # the retry counter listens at INFO; the console shows only warnings
    report = soak(
        args.runs,
        fault_rate=args.fault_rate,
        seed=args.seed,
        concurrency=args.concurrency,
        max_retries=args.max_retries,
    )
    sys.stdout.write("\n".join(report.lines()) + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
