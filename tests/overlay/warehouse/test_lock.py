"""The database lock: a full disk under the lock file is one line for a sync, and a reader (export, report --db),
which takes no lock, reads a database on a read-only mount without creating a lock file. Without fcntl (Windows)
the warehouse still imports and reads; only a sync fails, with one line."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse import WarehouseError
from oai_usage.warehouse.lock import NEEDS_POSIX, database_lock

from ..test_neutral_errors import _flags

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
SCRIPT = Path(sys.executable).parent / "oai-usage"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lock") / "usage.duckdb"
    argv = ["--sandbox", "sync", "--db", str(path), "--since", "40d", "--endpoints", "costs,completions,embeddings"]
    assert run(argv, now=HOUR_NOW) == 0
    return path


def _disk_full(fd: int, data: bytes, offset: int) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def _failed_sync(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What a short sync into `db` says on stderr, having exited 1 with nothing on stdout."""
    argv = ["--sandbox", "sync", "--since", "2d", "--endpoints", "costs", "--no-names", "--db", str(db)]
    code = run(argv, now=HOUR_NOW)
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    return captured.err


def test_a_full_disk_under_the_lock_file_is_a_warehouse_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "pwrite", _disk_full)
    with pytest.raises(WarehouseError) as caught, database_lock(tmp_path / "u.duckdb"):
        pass
    assert str(caught.value) == f"{tmp_path}/u.duckdb.lock: cannot write the lock file: No space left on device"


def test_a_full_disk_under_the_lock_file_is_one_line_exit_1_for_a_sync(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(os, "pwrite", _disk_full)
    said = _failed_sync(db, capsys)
    assert said == f"oai-usage: error: {db}.lock: cannot write the lock file: No space left on device\n"


@pytest.mark.parametrize(
    "argv",
    [["report", "--since", "7d"], ["export", "--parquet", "{tmp}/lake"]],
    ids=["report --db", "export"],
)
def test_a_reader_takes_no_lock_so_a_full_disk_under_the_lock_file_does_not_stop_it(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.setattr(os, "pwrite", _disk_full)
    code = run([word.format(tmp=tmp_path) for word in argv] + ["--db", str(db)], now=HOUR_NOW)
    assert (code, capsys.readouterr().err) == (0, "")


def _no_new_lock_files(real_open: Any) -> Any:
    """os.open as on a read-only mount: creating or writing a `.lock` file fails with EROFS."""

    def fake(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".lock") and flags & (os.O_CREAT | os.O_RDWR | os.O_WRONLY):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return int(real_open(path, flags, *args, **kwargs))

    return fake


def test_report_db_reads_a_database_whose_lock_file_cannot_be_made(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)  # no lock file beside it
    expected = run(["report", "--db", str(db), "--since", "7d", "--format", "json"], now=HOUR_NOW)
    wanted = capsys.readouterr().out
    monkeypatch.setattr(os, "open", _no_new_lock_files(os.open))
    code = run(["report", "--db", str(copy), "--since", "7d", "--format", "json"], now=HOUR_NOW)
    captured = capsys.readouterr()
    assert (code, captured.err) == (expected, "")
    assert captured.out == wanted
    assert not (tmp_path / "copy.duckdb.lock").exists()


def test_a_sync_still_needs_its_lock_file(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "open", _no_new_lock_files(os.open))
    with (
        pytest.raises(WarehouseError, match="cannot open the lock file: Read-only file system"),
        database_lock(tmp_path / "u.duckdb"),
    ):
        pass


def test_report_db_reads_a_database_on_a_read_only_mount(db: Path, tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "-m", "true"], capture_output=True, check=False) if unshare else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs unshare -m (root in a private mount namespace) to mount a read-only file system")
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(db, folder / "usage.duckdb")
    shell = (f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" && '
             f'exec "{SCRIPT}" "$@"')  # fmt: skip
    argv = ["report", "--db", f"{folder}/usage.duckdb", "--since", "7d", "--format", "csv"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "OAI_USAGE_"))}
    done = subprocess.run([str(unshare), "-m", "sh", "-c", shell, "sh", *argv], capture_output=True, text=True,
                          env=env, timeout=120, check=False)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("section,key,currency,metric,value\n")
    assert not (folder / "usage.duckdb.lock").exists()


def _without_fcntl(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import fcntl` fails, as on Windows."""
    monkeypatch.setitem(sys.modules, "fcntl", None)


def test_without_fcntl_taking_the_lock_says_the_sync_needs_a_posix_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_fcntl(monkeypatch)
    with pytest.raises(WarehouseError) as caught, database_lock(tmp_path / "u.duckdb"):
        pass
    assert str(caught.value) == (
        "the warehouse's sync needs a POSIX system (Linux, macOS, WSL on Windows): its lock uses fcntl"
    )
    assert not (tmp_path / "u.duckdb.lock").exists()


def test_the_posix_only_message_is_one_line_naming_no_option() -> None:
    assert "\n" not in NEEDS_POSIX
    assert _flags(NEEDS_POSIX) == []


def test_without_fcntl_a_sync_is_one_line_exit_1(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_fcntl(monkeypatch)
    assert _failed_sync(db, capsys) == f"oai-usage: error: {NEEDS_POSIX}\n"


@pytest.mark.parametrize(
    "argv",
    [["report", "--since", "7d"], ["export", "--parquet", "{tmp}/lake"], ["metrics"]],
    ids=["report --db", "export", "metrics"],
)
def test_without_fcntl_a_reader_still_reads(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _without_fcntl(monkeypatch)
    code = run([word.format(tmp=tmp_path) for word in argv] + ["--db", str(db)], now=HOUR_NOW)
    assert (code, capsys.readouterr().err) == (0, "")


def test_without_fcntl_the_lock_module_imports() -> None:
    code = "import sys; sys.modules['fcntl'] = None; import oai_usage.warehouse.lock, oai_usage.warehouse.store"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
