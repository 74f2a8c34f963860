"""Every API command takes `--profile`; every ID filter takes names; a failed first sync leaves nothing behind."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from oai_usage import UsageClient
from oai_usage.cli.main import run
from oai_usage_sandbox import SandboxConfig, serve_in_thread

from tests.overlay.cli.conftest import NOW

SANDBOX = ["--sandbox", "--now", NOW.isoformat()]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _rows(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    code, out, err = _cli(capsys, *SANDBOX, *argv, "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize(
    ("command", "option", "name", "ident"),
    [
        (["costs", "--group-by", "project_id"], "--project-ids", "Image studio", "proj_cdBoVdhd5L9OqM36"),
        (["usage", "completions", "--group-by", "api_key_id"], "--api-key-ids", "ada-batch", "key_2tRBlty1s1LtVb3k"),
        (["usage", "completions", "--group-by", "user_id"], "--user-ids", "joan.vanrossum@example.com",
         "user-aprup0o8eyq66brn1zog7w0a"),
    ],
    ids=["project name", "key name", "user e-mail"],
)  # fmt: skip
def test_a_name_in_an_id_filter_gives_the_rows_of_its_id(
    command: list[str], option: str, name: str, ident: str, capsys: pytest.CaptureFixture[str]
) -> None:
    by_name = _rows(capsys, *command, "--start", "3d", option, name)
    by_id = _rows(capsys, *command, "--start", "3d", option, ident)
    assert by_name == by_id != []


def test_an_unknown_name_is_one_line_naming_the_allowed_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, *SANDBOX, "costs", "--project-ids", "Imaginary studio")
    assert (code, out) == (2, "")
    assert err == ("oai-usage: error: --project-ids: no project is named 'Imaginary studio'; allowed: Content "
                   "moderation, Image studio, Onboarding flows, Research sandbox (or an ID)\n")  # fmt: skip


def test_ids_alone_never_read_the_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: UsageClient, *, refresh: bool = False) -> None:
        raise AssertionError("the directory was read")

    monkeypatch.setattr(UsageClient, "directory", refuse)
    assert _rows(capsys, "costs", "--start", "2d", "--project-ids", "proj_cdBoVdhd5L9OqM36") != []


@pytest.fixture
def profile_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A sandbox server, and an oai-usage.toml whose profile `beta` points at it with its own key variable."""
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.setattr("oai_usage.clock.system_time", lambda: NOW.timestamp())
    with serve_in_thread(SandboxConfig(now=int(NOW.timestamp()))) as url:
        config = tmp_path / "oai-usage.toml"
        config.write_text(f'[profiles.beta]\nkey_env = "BETA_TEST_KEY"\nbase_url = "{url}"\n')
        config.chmod(0o600)
        yield config


@pytest.mark.parametrize(
    "command",
    [["projects"], ["keys"], ["costs", "--start", "2d"], ["usage", "embeddings", "--start", "2d"],
     ["report", "--since", "2d", "--no-limits"]],
    ids=["projects", "keys", "costs", "usage", "report"],
)  # fmt: skip
def test_every_api_command_takes_a_profile(
    command: list[str], profile_server: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BETA_TEST_KEY", "sk-admin-beta")
    code, out, err = _cli(capsys, *command, "--profile", "beta", "--config", str(profile_server), "--format", "csv")
    assert code == 0, err
    assert len(out.splitlines()) > 1


def test_a_profile_without_its_key_names_its_variable(profile_server: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "costs", "--profile", "beta", "--config", str(profile_server))
    assert code == 2
    assert err == ("oai-usage: error: profile beta: no admin key: set BETA_TEST_KEY to its Admin API key "
                   "(sk-admin-...)\n")  # fmt: skip


def test_an_unknown_profile_names_the_known_ones(profile_server: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "projects", "--profile", "gamma", "--config", str(profile_server))
    assert code == 2
    assert err.startswith("oai-usage: error: --profile 'gamma': no such profile in ") and err.endswith("known: beta\n")


def test_a_profile_and_the_sandbox_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, *SANDBOX, "projects", "--profile", "beta")
    assert code == 2 and "--sandbox runs the synthetic organization: leave out --profile" in err


def test_a_first_sync_that_fails_leaves_no_file(
    profile_server: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data" / "usage.duckdb"
    db.parent.mkdir()
    code, _, err = _cli(capsys, "sync", "--profile", "beta", "--config", str(profile_server), "--db", str(db))
    assert code == 2 and "BETA_TEST_KEY" in err
    assert list(db.parent.iterdir()) == []


def test_a_failed_sync_leaves_an_existing_history_as_it_was(
    profile_server: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "usage.duckdb"
    argv = ["sync", "--profile", "beta", "--config", str(profile_server), "--db", str(db), "--since", "2d",
            "--endpoints", "costs", "--no-names"]  # fmt: skip
    monkeypatch.setenv("BETA_TEST_KEY", "sk-admin-beta")
    assert _cli(capsys, *argv)[0] == 0
    before = db.read_bytes()
    monkeypatch.delenv("BETA_TEST_KEY")
    assert _cli(capsys, *argv)[0] == 2
    assert db.read_bytes() == before
