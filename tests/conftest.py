"""Fixtures shared by every test folder: the contract itself, loaded once."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO / "openapi.yaml"

TEST_NOW = 1_795_534_200  # 2026-11-24T15:30:00Z: the wall clock, as far as the library and the sandbox read it


def load_script(relative: str, name: str) -> ModuleType:
    """The script at REPO/`relative` (tools are scripts, not packages), imported as the module `name`; registered in
    sys.modules, where dataclasses look their module up while a class is built."""
    found = importlib.util.spec_from_file_location(name, REPO / relative)
    assert found is not None and found.loader is not None
    module = importlib.util.module_from_spec(found)
    sys.modules[name] = module
    found.loader.exec_module(module)
    return module


def load_spec() -> dict[str, Any]:
    """openapi.yaml as a dict (the same file other language teams generate from)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()


@pytest.fixture(autouse=True)
def pinned_wall_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The one wall-clock reading of the library and of the sandbox is pinned: no test depends on the day it runs.

    It reads TEST_NOW, or the instant a `wall_clock(unix_seconds)` mark names (on a test, or `pytestmark` for a
    module whose fixed ranges lie after TEST_NOW). A test that needs another "now" for one part injects it
    (`clock=` on a client, `now=` on a SandboxConfig or the CLI's run).
    """
    import oai_usage.clock
    import oai_usage_sandbox.config

    mark = request.node.get_closest_marker("wall_clock")
    now = int(mark.args[0]) if mark is not None else TEST_NOW
    monkeypatch.setattr(oai_usage.clock, "system_time", _pinned(now))
    monkeypatch.setattr(oai_usage_sandbox.config, "system_time", _pinned(now))
    return now


def _pinned(now: int) -> Callable[[], float]:
    def system_time() -> float:
        """The wall clock as the tests pin it."""
        return float(now)

    return system_time


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Under tox (CI) a skipped test fails: whatever a test needs, the tox env installs."""
    report = yield
    if os.environ.get("OAI_USAGE_NO_SKIPS") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under OAI_USAGE_NO_SKIPS=1 (tox installs what tests need): {reason}"
    return report
