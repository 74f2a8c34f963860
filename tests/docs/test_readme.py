"""The README's two commands stay true: the main job runs on the sandbox, and the test command is what CI runs."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from oai_usage.cli.main import run

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _two_commands() -> list[str]:
    section = README[README.index("## Two commands") :]
    section = section[: section.index("\n## ")]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_the_readme_gives_two_commands() -> None:
    assert len(_two_commands()) == 2


def test_the_test_command_is_the_one_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert _two_commands()[1] == ci.replace(" --quiet", "")  # CI's pip is only quieter


def test_the_main_command_installs_extras_the_package_declares() -> None:
    install = _two_commands()[0]
    extras = set(re.findall(r'"\.\[([^\]]*)\]"', install)[0].split(","))
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert extras and extras <= set(declared)


def test_the_main_command_runs_the_report_on_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    words = shlex.split(_two_commands()[0].split("&&")[-1])
    assert words[0].endswith("bin/oai-usage") and "--sandbox" in words
    monkeypatch.chdir(tmp_path)
    assert run(words[1:]) == 0, capsys.readouterr().err
    assert "OpenAI usage report" in capsys.readouterr().out
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG")
