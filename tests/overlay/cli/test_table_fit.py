"""Tables fit the terminal: low-value columns are left out first, text wraps, and no column is ever zero wide nor a
value cut to an ellipsis (`cli/output.write_table`, `fit_columns`), at 80 and 100 columns."""

from __future__ import annotations

import io
import re

import pytest
from oai_usage.cli.main import run
from oai_usage.cli.table_fit import fit_columns

from .conftest import NOW

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SANDBOX = ["--sandbox", "--now", NOW.isoformat()]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_terminal(monkeypatch: pytest.MonkeyPatch, width: int, argv: list[str]) -> list[str]:
    terminal = _Terminal()
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr("sys.stdout", terminal)
    assert run([*SANDBOX, *argv]) == 0
    return ANSI.sub("", terminal.getvalue()).splitlines()


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", ["keys", "projects", "users", "limits"])
def test_a_listing_fits_the_terminal_with_no_cut_value(
    monkeypatch: pytest.MonkeyPatch, width: int, command: str
) -> None:
    lines = _on_terminal(monkeypatch, width, [command])
    assert lines and all(len(line) <= width for line in lines)
    assert not any("…" in line for line in lines)


@pytest.mark.parametrize("width", [80, 100])
def test_no_column_of_the_keys_table_is_zero_wide(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    lines = _on_terminal(monkeypatch, width, ["keys"])
    assert not any(re.search(r"[┏┡└][━─]*[┳╇┴][┳╇┴]|││|┃┃", line) for line in lines)


@pytest.mark.parametrize("width", [80, 100])
def test_the_keys_table_shows_whole_project_names(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    text = "\n".join(_on_terminal(monkeypatch, width, ["keys"]))
    assert "Onboarding" in text and "Onboar…" not in text


def test_a_narrow_keys_table_leaves_out_the_low_value_columns_first_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = _on_terminal(monkeypatch, 80, ["keys"])
    header = next(line for line in lines if "project_name" in line)
    assert "owner_type" not in header and "redacted_value" not in header and "owner" in header
    assert any(line.startswith("left out to fit 80 columns: owner_type, created_at") for line in lines)


def test_an_80_column_usage_table_keeps_its_grouped_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _on_terminal(monkeypatch, 80, ["usage", "completions", "--group-by", "project_id,model"])
    header = next(line for line in lines if "bucket (UTC)" in line)
    assert "project" in header and "model" in header
    assert all(len(line) <= 80 for line in lines)


def test_a_wide_enough_table_keeps_every_column() -> None:
    texts = {"a": ["x" * 10], "b": ["y" * 10]}
    fitted, dropped = fit_columns(["a", "b"], {"a": "a", "b": "b"}, texts, {"a": False, "b": False}, 80)
    assert (fitted, dropped) == (["a", "b"], [])


def test_low_value_columns_go_first_in_their_order() -> None:
    names = ["id", "name", "created_at", "owner"]
    texts = {n: ["v" * 20] for n in names}
    fitted, dropped = fit_columns(names, {n: n for n in names}, texts, dict.fromkeys(names, False), 60,
                                  low_value=("created_at", "id"))  # fmt: skip
    assert dropped == ["created_at", "id"] and fitted == ["name", "owner"]


def test_kept_columns_stay_and_numbers_go_after_text() -> None:
    names = ["project", "note", "tokens", "requests"]
    texts = {"project": ["p" * 30], "note": ["n" * 30], "tokens": ["9" * 30], "requests": ["9" * 30]}
    numeric = {"project": False, "note": False, "tokens": True, "requests": True}
    fitted, dropped = fit_columns(names, {n: n for n in names}, texts, numeric, 50, keep=("project",))
    assert "project" in fitted and dropped[0] == "note"
