"""The installed `oai-usage` console script, run as a user would, in a child process."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sysconfig
from pathlib import Path

import pytest
from oai_usage import UsageClient

SCRIPT = Path(sysconfig.get_path("scripts")) / "oai-usage"
NOW = 1795910400  # 2026-11-29T00:00:00Z
FAKE_KEY = "sk-admin-CONSOLE-TEST-0c4e1a9b7d5f3a2c"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["COLUMNS"] = "120"
    return env


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *argv], capture_output=True, text=True, env=_env(), timeout=60, check=False)


def test_the_console_script_is_installed() -> None:
    assert SCRIPT.exists(), f"{SCRIPT} missing: is the package installed?"


def test_an_export_on_the_sandbox_writes_csv_and_nothing_else() -> None:
    done = _run("--sandbox", "usage", "moderations", "--start", "2d", "--group-by", "model", "--format", "csv")
    assert done.returncode == 0 and done.stderr == ""
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and all(r["model"] for r in rows)


def test_a_mistake_is_one_line_and_exit_2() -> None:
    done = _run("--sandbox", "usage", "completions", "--group-by", "size")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "group_by" in done.stderr and "size" in done.stderr


def test_an_unreachable_api_is_exit_1_without_the_key() -> None:
    env = _env() | {"OPENAI_ADMIN_KEY": FAKE_KEY}
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    argv = [str(SCRIPT), "--base-url", "http://127.0.0.1:9/v1", "costs", "--start", "3d"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert FAKE_KEY not in done.stdout + done.stderr


def test_the_sandbox_command_serves_the_api_over_http() -> None:
    argv = [str(SCRIPT), "sandbox", "--port", "0", "--now", str(NOW)]
    server = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        found = re.search(r"serving (http://127\.0\.0\.1:\d+/v1)", line)
        assert found, line
        with UsageClient("sk-admin-sandbox", base_url=found.group(1)) as client:
            rows = list(client.costs(start_time=NOW - 3 * 86400, end_time=NOW).rows())
        assert len(rows) == 3
        assert all(r["amount_value"] > 0 for r in rows)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)


@pytest.mark.parametrize("argv", [["sandbox", "--scale", "0"], ["sandbox", "--fault-rate", "2"]])
def test_bad_sandbox_options_exit_2(argv: list[str]) -> None:
    done = _run(*argv)
    assert done.returncode == 2 and "Traceback" not in done.stderr
