"""bench.memory measures each sync process's own peak, not the peak of the process that started it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.memory import _run_child
from bench.rss import status_mb

BALLAST_MB = 400


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux: a child's ru_maxrss includes its parent's")
def test_a_child_reports_its_own_peak_not_its_parents(tmp_path: Path) -> None:
    # Linux keeps ru_maxrss across exec, so a child started by a big parent (the benchmark's parent holds the sandbox
    # and its history) would report the parent's RSS; the child's own high-water mark is what a sync costs.
    ballast = bytearray(BALLAST_MB * 2**20)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # touch every page: resident, not just reserved
    parent = status_mb("VmRSS")
    assert parent is not None and parent > BALLAST_MB
    code, peak, _wall, _cpu, last = _run_child(["baseline", str(tmp_path / "baseline.duckdb")], dict(os.environ))
    assert code == 0, last
    assert 20 < peak < parent - BALLAST_MB / 2  # the baseline child (imports and a new warehouse) is about 95 MB
    del ballast
