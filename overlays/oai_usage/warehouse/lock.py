"""One writer at a time: an fcntl lock on `<database>.lock`, held for a whole sync, export or `report --db`.

The holder writes its pid, host and start time into the lock file, so a second command that gives up can say who
holds it. The kernel drops the lock when the holder dies (even by SIGKILL), so a lock is never left stale.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
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


class LockBusyError(OaiUsageError):
    """Another sync (or export, or report --db) holds the database: one line naming it (exit 1 in the CLI)."""


def lock_path(database: Path) -> Path:
    """`<database>.lock` beside the real file: a symlink and its target (any name of one database) share it."""
    real = Path(database).resolve()
    return real.with_name(real.name + ".lock")


# A reader (export, report --db) that cannot create or write the lock file (a database on a read-only mount, a
# directory it may not write) still reads: with a shared lock on the lock file if there is one, else with none (a
# read-only file system has no writer to wait for; DuckDB itself refuses to open a database a writer holds).
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


@contextmanager
def database_lock(database: Path, *, wait: float = 0.0, what: str = "sync", reader: bool = False) -> Iterator[None]:
    """Hold the database's lock for the block; wait up to `wait` seconds for it, else LockBusyError. A `reader`
    that may not write the lock file falls back to a shared lock, or none (see above)."""
    path = lock_path(database)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        if not (reader and exc.errno in _READ_ONLY_ERRNOS):
            raise WarehouseError(f"{path}: cannot open the lock file: {exc.strerror or exc}") from None
        with _read_only_lock(database, path, wait):
            yield
        return
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
                        f"{database} is in use by {holder}{waited}; try again later or pass --wait SECONDS"
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


@contextmanager
def _read_only_lock(database: Path, path: Path, wait: float) -> Iterator[None]:
    """A shared lock through a read-only descriptor of an existing lock file, or no lock when there is none."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        yield  # no lock file, and none can be made: nothing can be writing here
        return
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusyError(f"{database} is in use by {_read_holder(fd)}; try again later or pass --wait "
                                        "SECONDS") from None  # fmt: skip
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return text or "another oai-usage process"
