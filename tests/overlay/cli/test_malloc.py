"""One malloc arena for a sync's process (cli/malloc.py): threads share one heap on glibc; elsewhere, or when the
user set MALLOC_ARENA_MAX, nothing is changed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from oai_usage.cli import malloc
from oai_usage.cli.main import run

GLIBC = sys.platform.startswith("linux") and malloc.glibc()

# Four threads each allocate 64 KB blocks through malloc (below the mmap threshold, so from an arena), then the
# heaps glibc made are counted from malloc_info's XML (one <heap nr=...> per arena).
HEAPS = """
import ctypes, os, sys, tempfile, threading
from oai_usage.cli.malloc import share_one_arena
if sys.argv[1] == "one":
    assert share_one_arena()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.fopen.restype = ctypes.c_void_p
barrier = threading.Barrier(4)
def work():
    barrier.wait()  # all four alive at once: none can reuse another's arena after it ended
    for _ in range(8):
        libc.malloc(64 * 1024)
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
path = tempfile.mktemp()
handle = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(handle))
libc.fclose(ctypes.c_void_p(handle))
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


def _heaps(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run([sys.executable, "-c", HEAPS, mode], capture_output=True, text=True, env=env, check=True)
    return int(done.stdout.strip())


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_threads_of_a_process_that_shares_one_arena_allocate_from_one_heap() -> None:
    assert _heaps("many") > 1  # the default: a thread that allocates gets an arena of its own
    assert _heaps("one") == 1


def test_a_malloc_arena_max_set_by_the_user_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert malloc.share_one_arena() is False


def test_elsewhere_than_linux_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert malloc.share_one_arena() is False


def test_a_sync_shares_one_arena_before_it_opens_the_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oai_usage.warehouse import store

    events: list[str] = []

    def one_arena() -> bool:
        events.append("one arena")
        return True

    monkeypatch.setattr(malloc, "share_one_arena", one_arena)
    opened = store.Warehouse.__init__

    def noted(self: store.Warehouse, *args: object, **kwargs: object) -> None:
        events.append("warehouse")
        opened(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store.Warehouse, "__init__", noted)
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    argv = ["--sandbox", "sync", "--db", str(tmp_path / "w.duckdb"), "--since", "1d", "--endpoints", "costs"]
    assert run(argv, now=now) == 0
    assert events[:2] == ["one arena", "warehouse"]


def test_a_linux_without_glibc_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_name(name: str) -> str:
        raise ValueError("unrecognized configuration name")  # musl's Python has no CS_GNU_LIBC_VERSION

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "confstr", no_such_name)
    assert malloc.glibc() is False
    assert malloc.share_one_arena() is False
