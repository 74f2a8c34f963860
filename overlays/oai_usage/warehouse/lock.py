"""One writer at a time: an fcntl lock on `<database>.lock`, held for a whole sync (POSIX only: fcntl).

Readers (`report --db`, `export`) take no lock: they read the last committed state beside a running sync, which
opens the database file only for each chunk's write (see store.Warehouse); DuckDB's own file lock keeps a
reader's open and a writer's transaction apart for that moment.

The holder writes its pid, host and start time into the lock file, so a second sync that gives up can say who
holds it. The kernel drops the lock when the holder dies (even by SIGKILL), so a lock is never left stale.

`fcntl` is imported when the lock is taken, not with the module: on a system without it (Windows) the warehouse
still imports and its readers work; only taking the lock fails, with one line (NEEDS_POSIX).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..clock import system_now
from ..errors import OaiUsageError
from ..timeparse import iso_datetime
from . import WarehouseError

POLL_SECONDS = 0.1
NEEDS_POSIX = "the warehouse's sync needs a POSIX system (Linux, macOS, WSL on Windows): its lock uses fcntl"


class LockBusyError(OaiUsageError):
    """Another sync (or export, or report from the warehouse) holds the database: one line naming it (exit 1 in the
    CLI). `param` is "wait": a longer wait is the way round it."""

    param = "wait"


def lock_path(database: Path) -> Path:
    """`<database>.lock` beside the real file: a symlink and its target (any name of one database) share it."""
    real = Path(database).resolve()
    return real.with_name(real.name + ".lock")


@contextmanager
def database_lock(database: Path, *, wait: float = 0.0, what: str = "sync") -> Iterator[None]:
    """Hold the database's lock for the block; wait up to `wait` seconds for it, else LockBusyError. Without
    fcntl (Windows) a WarehouseError (NEEDS_POSIX), before any lock file is made."""
    try:
        import fcntl
    except ImportError:
        raise WarehouseError(NEEDS_POSIX) from None
    path = lock_path(database)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise WarehouseError(f"{path}: cannot open the lock file: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    waited = f" after waiting {wait:g} s" if wait > 0 else ""
                    raise LockBusyError(
                        f"{database} is in use by {holder}{waited}; try again later or wait longer for it"
                    ) from None
                time.sleep(POLL_SECONDS)
        started = iso_datetime(system_now())
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} ({what}, since {started})\n".encode(), 0)
        except OSError as exc:  # a full disk (ENOSPC), a quota, an I/O error: one line, not a traceback
            raise WarehouseError(f"{path}: cannot write the lock file: {exc.strerror or exc}") from None
        try:
            yield
        finally:
            with contextlib.suppress(OSError):  # the holder's line is only a courtesy; the lock goes with the fd
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return text or "another oai-usage process"
