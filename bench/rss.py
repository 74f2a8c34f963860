"""The peak memory of this process alone, for benchmarks that measure a child process."""

from __future__ import annotations

import resource
import sys


def peak_rss_mb() -> float:
    """This process's peak resident set in MB.

    On Linux, VmHWM of /proc/self/status: the peak of this process's own memory map. Not `ru_maxrss`: Linux
    keeps it across exec, so a child reports its parent's RSS at spawn whenever that is the larger, and the
    benchmarks' parents host the sandbox server and its history. Elsewhere, `ru_maxrss` (bytes on macOS).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024.0
