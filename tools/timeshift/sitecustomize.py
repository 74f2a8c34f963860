"""Moves the wall clock of this Python process, and of every Python process it starts, for the test suite.

Python imports a module named `sitecustomize` at start-up when one is on its path. With this folder on PYTHONPATH
(`tox -e timeshift` puts it there) and one of these variables set, time-machine moves the wall clock:

    OAI_USAGE_TEST_SHIFT_DAYS=400                  400 days ahead of the real clock (negative: behind)
    OAI_USAGE_TEST_NOW=2028-02-29T23:30:00Z        that instant (ISO 8601; no offset means UTC); wins over the days

The clock keeps running from there (`tick=True`). `time.time`, `datetime.now`, `date.today`, `time.localtime` and
the rest move; the monotonic clocks, `time.sleep` and timed waits do not (libfaketime shifts those too, which hangs
timed waits). The first process turns the request into one offset, OAI_USAGE_TEST_SHIFT_SECONDS, which the processes
it starts inherit: the test process, the CLI runs and the sandbox server it starts all agree on the time. Code not
run by Python (DuckDB's `now()`, the shells, Node.js) keeps the real clock. Without the variables this module does
nothing. time-machine is in the `test` extra; when it is missing the process stops rather than run unshifted.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime

SHIFT_DAYS = "OAI_USAGE_TEST_SHIFT_DAYS"
AT = "OAI_USAGE_TEST_NOW"
OFFSET = "OAI_USAGE_TEST_SHIFT_SECONDS"  # set here, inherited: every process of one run has the same offset


def _offset() -> float | None:
    """Seconds to add to the real clock, or None when no shift is asked for."""
    inherited = os.environ.get(OFFSET, "").strip()
    if inherited:
        return float(inherited)
    at = os.environ.get(AT, "").strip()
    if at:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp() - time.time()
    days = os.environ.get(SHIFT_DAYS, "").strip()
    if days:
        return float(days) * 86400
    return None


def _start() -> None:
    try:
        offset = _offset()
    except ValueError as error:
        sys.stderr.write(f"tools/timeshift: {AT} or {SHIFT_DAYS} is not usable: {error}\n")
        os._exit(2)  # site swallows exceptions from sitecustomize: a run on the wrong date must not pass quietly
    if offset is None:
        return
    try:
        import time_machine
    except ImportError:
        sys.stderr.write("tools/timeshift: the clock should move but time-machine is not installed (.[test])\n")
        os._exit(2)
    os.environ[OFFSET] = repr(offset)
    time_machine.travel(time.time() + offset, tick=True).start()


_start()
