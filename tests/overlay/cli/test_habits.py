"""The command line as people use it: --version, completion, repeatable lists, readable tables, clear refusals."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from oai_usage._version import __version__
from oai_usage.cli import connect as fetch
from oai_usage.cli import endpoint_names
from oai_usage.cli.main import run
from oai_usage.cli.output import write_table

from tests.overlay.cli.conftest import NOW

SCRIPT = Path(sys.executable).parent / "oai-usage"
FAKE_KEY = "sk-admin-HABITS-TEST-3b8e0d2c6a4f1e9d7b5c"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = run(list(argv), now=NOW)
    except SystemExit as exc:  # argparse's own checks leave through SystemExit
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _console(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "120"}
    return subprocess.run([str(SCRIPT), *argv], capture_output=True, text=True, env=env, timeout=60, check=False)


def test_version_comes_from_the_one_version_source() -> None:
    done = _console("--version")
    assert done.returncode == 0
    assert done.stdout == f"oai-usage {__version__}\n"


def test_the_endpoint_list_of_the_parser_is_the_registry() -> None:
    assert endpoint_names.USAGE_ENDPOINTS == fetch.USAGE_ENDPOINTS


# Completion


def _bash_complete(script: str, *words: str) -> list[str]:
    """Run bash with the script sourced and call its completion function on `words` (the last is being typed)."""
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"{script}\nCOMP_WORDS=({quoted}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _oai_usage; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.split()


@pytest.fixture(scope="module")
def bash_script() -> str:
    done = _console("completion", "bash")
    assert done.returncode == 0 and done.stderr == ""
    return done.stdout


def test_bash_completes_a_command_name(bash_script: str) -> None:
    assert _bash_complete(bash_script, "oai-usage", "rep") == ["report"]


def test_bash_completes_an_endpoint_after_global_options(bash_script: str) -> None:
    words = _bash_complete(bash_script, "oai-usage", "--sandbox", "--base-url", "http://x", "usage", "code")
    assert words == ["code_interpreter_sessions"]


def test_bash_completes_an_endpoints_own_options_and_choices(bash_script: str) -> None:
    assert "--sizes" in _bash_complete(bash_script, "oai-usage", "usage", "images", "--")
    assert _bash_complete(bash_script, "oai-usage", "usage", "completions", "--bucket-width", "1") == ["1d", "1h", "1m"]


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])])
def test_zsh_and_fish_scripts_parse(shell: str, check: list[str], tmp_path: Path) -> None:
    if shutil.which(check[0]) is None:
        pytest.skip(f"{check[0]} is not installed")
    done = _console("completion", shell)
    assert done.returncode == 0
    path = tmp_path / f"completion.{shell}"
    path.write_text(done.stdout)
    assert subprocess.run([*check, str(path)], capture_output=True, timeout=30, check=False).returncode == 0


def test_fish_completes_a_command_and_a_choice(tmp_path: Path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    script = tmp_path / "oai-usage.fish"
    script.write_text(_console("completion", "fish").stdout)
    program = f"source {script}; complete -C 'oai-usage rep'; complete -C 'oai-usage costs --format j'"
    done = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True, timeout=30,
                          check=True)  # fmt: skip
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["report", "json", "jsonl"]


def test_zsh_offers_the_endpoints_after_usage(tmp_path: Path) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    script = tmp_path / "oai-usage.zsh"
    script.write_text(_console("completion", "zsh").stdout)
    # bashcompinit calls the function with ksharrays set (0-based arrays, as in bash); zsh itself then keeps
    # the offered words that match what is typed.
    program = f"source {script}; setopt ksharrays; COMP_WORDS=(oai-usage usage comp); COMP_CWORD=2; _oai_usage; "
    program += 'print -l -- "${COMPREPLY[@]}"'
    done = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.split() == list(endpoint_names.USAGE_ENDPOINTS)


# Repeatable list options


def _empty_page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"object": "page", "data": [], "has_more": False, "next_page": None})


def test_list_options_repeat_and_split_on_commas(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--sandbox", "usage", "completions", "--start", "2026-11-20", "--end", "2026-11-21",
                       "--group-by", "model", "--models", "gpt-4o-2024-08-06", "--models", "gpt-4o-mini-2024-07-18,o3",
                       "--format", "jsonl")  # fmt: skip
    assert code == 0
    assert '"gpt-4o-2024-08-06"' in out and '"gpt-4o-mini-2024-07-18"' in out


def test_a_line_item_with_a_comma_is_sent_as_one_value(
    httpx_mock: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", FAKE_KEY)
    httpx_mock.add_callback(_empty_page, is_reusable=True)
    cli(capsys, "--base-url", "https://api.example.test/v1", "costs", "--start", "2026-11-20", "--end", "2026-11-21",
        "--line-items", "gpt-image-1, 1024x1792", "--line-items", "web search", "--format", "json")  # fmt: skip
    (request,) = [r for r in httpx_mock.get_requests() if "line_items" in r.url.params]  # not the clock's probe
    assert request.url.params.get_list("line_items") == ["gpt-image-1, 1024x1792", "web search"]


# Tables for reading

COST_ROWS: list[dict[str, Any]] = [
    {"bucket_start": NOW, "project_id": "proj_b", "line_item": "gpt-4o, input", "amount_value": 12.5,
     "amount_currency": "usd", "quantity": 1000.0},
    {"bucket_start": NOW, "project_id": "proj_a", "line_item": "gpt-4o, output", "amount_value": 0.125,
     "amount_currency": "usd", "quantity": 10.0},
]  # fmt: skip


def _table(rows: list[dict[str, Any]], group_by: list[str] | None = None) -> str:
    import io

    out = io.StringIO()
    write_table(rows, out, ["bucket_start", "amount_value", "amount_currency", "line_item", "project_id", "quantity"],
                "costs", group_by)  # fmt: skip
    return out.getvalue()


def test_money_has_two_decimals() -> None:
    text = _table(COST_ROWS)
    assert "12.50 " in text and "0.12 " in text  # 0.125 rounds half to even
    assert "0.125" not in text


def test_a_totals_row_sums_money_and_leaves_quantities_alone() -> None:
    total_line = next(line for line in _table(COST_ROWS).splitlines() if "total" in line)
    assert "12.62 " in total_line
    assert "1,010" not in total_line  # quantities of different units are not added


def test_totals_are_never_added_across_currencies() -> None:
    rows = [COST_ROWS[0], {**COST_ROWS[1], "amount_currency": "eur"}]
    text = _table(rows)
    assert "total (USD)" in text and "total (EUR)" in text
    assert "12.62" not in text


def test_group_by_columns_come_in_the_order_given() -> None:
    header = next(line for line in _table(COST_ROWS, ["project_id", "line_item"]).splitlines() if "bucket" in line)
    assert header.index("project_id") < header.index("line_item")
    header = next(line for line in _table(COST_ROWS, ["line_item", "project_id"]).splitlines() if "bucket" in line)
    assert header.index("line_item") < header.index("project_id")


def test_no_data_is_a_line_on_stderr_not_an_empty_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--sandbox", "usage", "completions", "--start", "2026-11-20", "--end", "2026-11-21",
                         "--models", "no-such-model")  # fmt: skip
    assert code == 0
    assert out == ""
    assert err.startswith("oai-usage: no data for completions usage from 2026-11-20T00:00:00Z")


# Refusals


def test_sandbox_with_base_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--sandbox", "--base-url", "https://api.example.test/v1", "costs")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--sandbox" in err and "--base-url" in err


@pytest.mark.parametrize(
    "argv",
    [["--bogus"], ["--sandbox", "--bogus", "usage"], ["usage", "--bogus"], ["--sandbox", "costs", "--grup-by", "x"]],
)
def test_an_unknown_flag_is_named(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1
    assert argv[-1 if argv[-1].startswith("-") else -2] in err or "--bogus" in err


def test_a_near_miss_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = cli(capsys, "--sandbox", "costs", "--grup-by", "x")
    assert "unknown option --grup-by (did you mean --group-by?)" in err


def test_a_non_admin_key_hint_speaks_cli(
    httpx_mock: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-proj-NOT-AN-ADMIN-KEY-1234")
    body = {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error", "param": None,
                      "code": "invalid_api_key"}}  # fmt: skip
    httpx_mock.add_response(status_code=401, json=body, is_reusable=True)
    code, _, err = cli(capsys, "--base-url", "https://api.example.test/v1", "costs", "--start", "2d")
    assert code == 1
    assert "OPENAI_ADMIN_KEY" in err and "admin_key=" not in err


def test_the_sandbox_on_a_busy_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = _console("sandbox", "--port", str(busy.getsockname()[1]))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--port" in done.stderr and "in use" in done.stderr


# A fast start (the speed itself is measured in bench/startup.py)

HEAVY = ("httpx", "rich", "oai_usage_api", "oai_usage_sandbox", "attrs")


def _imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(done.stdout.split())


def test_the_command_line_module_loads_no_heavy_package() -> None:
    assert not _imported_after("import oai_usage.cli.main") & set(HEAVY)


def test_help_builds_no_heavy_package() -> None:
    loaded = _imported_after(
        "import contextlib, io\nfrom oai_usage.cli.main import run\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()): run(['--help'])"
    )
    assert not loaded & set(HEAVY)


def test_import_oai_usage_is_light_and_every_public_name_still_imports() -> None:
    assert not _imported_after("import oai_usage") & set(HEAVY)
    import oai_usage

    for name in oai_usage.__all__:
        assert getattr(oai_usage, name) is not None
    assert set(oai_usage.__all__) <= set(dir(oai_usage))
