"""A sync killed with SIGKILL at random moments never leaves a half-written database, and the next run completes
it: every committed range equals a fresh fetch, and the end state equals one uninterrupted sync."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import sync

from .conftest import SMALL, START, sandbox_client
from .test_sync import _fresh

REPO = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys
from tests.overlay.warehouse.conftest import SMALL, START, sandbox_client
from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import sync
print("ready", flush=True)
with Warehouse(sys.argv[1]) as warehouse, sandbox_client(START, latency_ms=40) as client:
    sync(warehouse, client, SMALL, "acme", now=START)
print("done", flush=True)
"""


def _check_committed(db: Path) -> int:
    """Every unit's committed range holds exactly what a fetch of it returns; returns the units stored."""
    with Warehouse(db) as warehouse:
        pairs = _fresh(warehouse, START)
    for unit, (stored, fresh) in pairs.items():
        assert stored == fresh, unit
    return len(pairs)


def test_a_sync_killed_at_random_moments_resumes_and_converges(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    chooser = random.Random(16)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db)], stdout=subprocess.PIPE, text=True, env=env,
                                cwd=REPO)  # fmt: skip
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(chooser.uniform(0.05, 1.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        if db.exists():
            _check_committed(db)  # never half-written: what is committed is whole
    assert kills >= 2
    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        sync(warehouse, client, SMALL, "acme", now=START)
    assert _check_committed(db) == len(SMALL.units())
