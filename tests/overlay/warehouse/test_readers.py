"""Readers never wait on a writer (issue 20): `report --db` and `export` read the last committed state while a
sync runs, and two readers never exclude each other."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse import sync as warehouse_sync
from oai_usage.warehouse.store import Warehouse

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
SCRIPT = Path(sys.executable).parent / "oai-usage"
SYNC = ["--sandbox", "sync", "--since", "20d", "--endpoints", "costs,completions,embeddings", "--no-names"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "usage.duckdb"
    assert run([*SYNC, "--db", str(path)], now=HOUR_NOW) == 0
    return path


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own (its own DuckDB, as a second command on the machine would be)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "OAI_USAGE_"))}
    return subprocess.run([str(SCRIPT), *argv], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def held_sync(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A sync of `db` running in a thread, held inside a fetch after its first chunks were stored; released (and
    checked to succeed) when the test ends."""
    real = warehouse_sync.fetch_batches
    held, release = threading.Event(), threading.Event()
    calls = {"n": 0}
    lock = threading.Lock()

    def slow(*args: Any, **kwargs: Any) -> Any:
        with lock:
            calls["n"] += 1
            mine = calls["n"]
        if mine > 3:  # some chunks are stored already: the sync is in the middle of its work
            held.set()
            assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(warehouse_sync, "fetch_batches", slow)
    outcome: list[int] = []
    later = HOUR_NOW + timedelta(days=1)
    worker = threading.Thread(target=lambda: outcome.append(run([*SYNC, "--db", str(db)], now=later)))
    worker.start()
    try:
        assert held.wait(60)
        yield held
    finally:
        release.set()
        worker.join(120)
    assert outcome == [0]


def test_report_db_succeeds_while_a_sync_of_the_same_database_is_held_mid_chunk(
    db: Path, held_sync: threading.Event
) -> None:
    done = _cli("report", "--db", str(db), "--since", "7d", "--format", "csv")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("section,key,currency,metric,value\n")


def test_export_succeeds_while_a_sync_of_the_same_database_is_held_mid_chunk(
    db: Path, tmp_path: Path, held_sync: threading.Event
) -> None:
    done = _cli("export", "--db", str(db), "--parquet", str(tmp_path / "lake"))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("exported ")


def test_a_reader_sees_the_last_committed_state_while_a_sync_runs(db: Path, held_sync: threading.Event) -> None:
    with Warehouse(db, read_only=True) as warehouse:
        states = warehouse.states()
    assert states and all(state.watermark <= HOUR_NOW + timedelta(days=1) for *_, state in states)


def test_two_readers_never_exclude_each_other(db: Path) -> None:
    with Warehouse(db, read_only=True) as open_reader:  # one reader holds the database open...
        open_reader.connection.execute("SELECT count(*) FROM costs").fetchone()
        done = _cli("report", "--db", str(db), "--since", "7d", "--format", "csv")  # ...another still reads
    assert (done.returncode, done.stderr) == (0, "")


def test_a_sync_waits_for_a_reader_and_then_writes(db: Path) -> None:
    opened, close = threading.Event(), threading.Event()

    def reader() -> None:
        with Warehouse(db, read_only=True):
            opened.set()
            close.wait(30)

    thread = threading.Thread(target=reader)
    thread.start()
    assert opened.wait(30)
    threading.Timer(0.5, close.set).start()  # the reader finishes while the sync waits to write
    try:
        assert run([*SYNC, "--db", str(db)], now=HOUR_NOW + timedelta(hours=2)) == 0
    finally:
        close.set()
        thread.join(30)
