"""The command line: options parse into a SandboxConfig; `python -m oai_usage_sandbox` serves and logs its URL."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import httpx
import pytest
from oai_usage_sandbox import SandboxConfig
from oai_usage_sandbox.options import build_arg_parser, config_from_args


def test_options_become_a_config() -> None:
    argv = ["--seed", "3", "--scale", "2", "--latency-ms", "5", "--fault-rate", "0.25", "--faults", "drop,slow"]
    config = config_from_args(build_arg_parser().parse_args([*argv, "--now", "1700000000"]))
    assert config == SandboxConfig(
        seed=3, scale=2, latency_ms=5, fault_rate=0.25, faults=("drop", "slow"), now=1_700_000_000
    )


def test_defaults_serve_loopback_port_8000() -> None:
    args = build_arg_parser().parse_args([])
    assert (args.host, args.port, config_from_args(args)) == ("127.0.0.1", 8000, SandboxConfig())


def test_parser_extends_an_existing_parser() -> None:
    parser = build_arg_parser(argparse.ArgumentParser(prog="oai-usage sandbox"))
    assert parser.parse_args(["--port", "0"]).port == 0


def test_forbidden_operations_is_an_option() -> None:
    config = config_from_args(
        build_arg_parser().parse_args(["--forbidden-operations", "listUsers, listProjectApiKeys"])
    )
    assert config.forbidden_operations == ("listUsers", "listProjectApiKeys")


def test_an_unknown_forbidden_operation_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_arg_parser().parse_args(["--forbidden-operations", "listEverything"])
    assert "listEverything" in capsys.readouterr().err


def test_revision_windows_are_options() -> None:
    argv = ["--usage-revision-minutes", "0", "--costs-revision-hours", "48"]
    config = config_from_args(build_arg_parser().parse_args(argv))
    assert (config.usage_revision_minutes, config.costs_revision_hours) == (0, 48)


@pytest.mark.parametrize(
    "argv",
    [
        ["--fault-rate", "1.5"],
        ["--faults", "meteor"],
        ["--usage-revision-minutes", "-1"],
        ["--costs-revision-hours", "many"],
        ["--costs-revision-hours", "100000"],
        ["--shape", "newest"],
    ],
)
def test_bad_options_are_rejected(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        build_arg_parser().parse_args(argv)


def test_module_serves_and_logs_its_url() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "oai_usage_sandbox", "--port", "0", "--now", "1793762745"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 15
        line = ""
        while "serving http://" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        url = line.rsplit(" ", 1)[1].strip()
        r = httpx.get(
            f"{url}/organization/costs",
            params={"start_time": 1793491200},
            headers={"Authorization": "Bearer sk-admin-x"},
        )
        assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
