"""One malloc arena for a sync's process (glibc): the sync's unit threads and DuckDB's workers then share one heap.

glibc gives each thread that allocates its own arena (up to eight per core), and memory freed in one arena is not
reused by another, so each thread keeps its own high-water mark: a first sync of 365 days peaked about 10 MB
higher with them (`python -m bench.memory`), at no CPU saving. Set once, before the threads start; a
MALLOC_ARENA_MAX in the environment is the user's choice and is left alone. Other C libraries: nothing is done.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys

__all__ = ["glibc", "share_one_arena"]

log = logging.getLogger("oai_usage.cli")

_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def share_one_arena() -> bool:
    """Limit the process to one malloc arena (glibc on Linux); True when it was set."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    if not glibc():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(_M_ARENA_MAX, 1) == 1)
    log.debug("malloc arenas limited to one: %s", done)
    return done


def glibc() -> bool:
    """Whether this process runs on glibc (which names itself in `CS_GNU_LIBC_VERSION`, e.g. "glibc 2.36")."""
    try:
        found = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):  # no such name here (macOS, Windows, musl)
        return False
    return bool(found and found.startswith("glibc "))
