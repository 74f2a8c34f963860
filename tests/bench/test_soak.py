"""The soak, short: every endpoint once, a high fault rate, no retries, so nearly every fetch resumes."""

from __future__ import annotations

from oai_usage.endpoints import ENDPOINTS
from oai_usage_sandbox import FAULT_NAMES

from bench.soak import plan, soak


def test_the_plan_covers_every_endpoint_deterministically() -> None:
    runs = plan(12, seed=3)
    assert {r.endpoint for r in runs} == set(ENDPOINTS)
    assert runs == plan(12, seed=3)


def test_a_faulty_soak_loses_and_duplicates_nothing() -> None:
    report = soak(12, fault_rate=0.4, seed=3, max_retries=0, timeout=0.5, sleep=lambda _: None)
    assert report.runs == 12
    assert report.untyped_errors == 0
    assert report.mismatches == 0
    assert report.rows > 10_000
    assert set(report.faults) == set(FAULT_NAMES)  # every kind of fault was injected and survived
    assert report.resumed_runs >= 6 and report.resumes >= sum(report.faults.values()) // 2
