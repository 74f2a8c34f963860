"""The memory of this process alone, for benchmarks that measure a child process."""

from __future__ import annotations

import resource
import sys


def status_mb(field: str) -> float | None:
    """A size of this process from Linux's /proc/self/status (`VmHWM`, `VmRSS`, ...) in MB; None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set in MB.

    On Linux, VmHWM: the peak of this process's own memory map. Not `ru_maxrss`: Linux keeps it across exec, so a
    child reports its parent's RSS at spawn whenever that is the larger, and the benchmarks' parents host the
    sandbox server and its history. Elsewhere, `ru_maxrss` (bytes on macOS).
    """
    found = status_mb("VmHWM")
    if found is not None:
        return found
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024.0
