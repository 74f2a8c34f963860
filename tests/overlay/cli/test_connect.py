"""The CLI's bridge to the client: options from the registry, and rows with or without a progress bar."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from oai_usage import UsageClient
from oai_usage.cli import connect as fetch
from oai_usage.cli.main import run
from oai_usage.endpoints import ENDPOINTS

from tests.overlay.cli.conftest import NOW


def test_options_come_from_the_registry() -> None:
    images = fetch.endpoint_options("images")
    assert images.group_by == ENDPOINTS["images"].group_by
    assert set(images.list_filters["sizes"]) >= {"1024x1024", "256x256"}
    assert images.list_filters["project_ids"] == ()
    assert fetch.endpoint_options("completions").has_batch and not images.has_batch
    assert fetch.endpoint_options("costs").bucket_widths == ("1d",)


def test_a_week_of_minutes_is_expected_to_take_seven_pages(sandbox_client: UsageClient) -> None:
    start = int(NOW.timestamp()) - 7 * 86400
    query = sandbox_client.query("moderations", start_time=start, end_time=int(NOW.timestamp()), bucket_width="1m")
    assert query.planned_pages == 7


def test_the_progress_bar_shows_on_a_terminal_and_changes_no_row(
    sandbox_client: UsageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"start_time": NOW.replace(day=21), "end_time": NOW, "bucket_width": "1m"}  # three pages
    plain = list(fetch.rows_with_progress(sandbox_client, "moderations", params))

    terminal = io.StringIO()
    monkeypatch.setattr(terminal, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stderr", terminal)
    with_bar = list(fetch.rows_with_progress(sandbox_client, "moderations", params))
    assert with_bar == plain
    assert "moderations: pages" in terminal.getvalue()


def test_a_mistake_is_raised_before_any_row_is_asked_for(sandbox_client: UsageClient) -> None:
    from oai_usage import ValidationError

    with pytest.raises(ValidationError, match="group_by"):
        fetch.rows_with_progress(sandbox_client, "images", {"start_time": NOW, "group_by": ["line_item"]})


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    from oai_usage_sandbox import SandboxConfig
    from oai_usage_sandbox.server import serve_in_thread

    with serve_in_thread(SandboxConfig(now=int(NOW.timestamp()))) as url:
        yield url


WRONG_KEY = "sk-proj-not-an-admin-key-0000"
REFUSED = "oai-usage: error: OPENAI_ADMIN_KEY: the server refused the admin key: HTTP 401: Incorrect API key provided."


@pytest.mark.parametrize(
    "argv",
    [
        ["keys"],
        ["costs", "--start", "2d"],
        ["usage", "completions", "--start", "2d", "--project-ids", "Onboarding flows"],
        ["report", "--format", "json"],
    ],
)
def test_a_wrong_key_is_one_line_naming_its_variable_and_what_the_server_said(
    sandbox_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", WRONG_KEY)
    assert run(["--base-url", sandbox_url, *argv], now=NOW) == 1
    err = capsys.readouterr().err
    assert err.startswith(REFUSED) and err.count("\n") == 1


def test_a_wrong_key_gets_no_library_advice_nor_a_names_warning(
    sandbox_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", WRONG_KEY)
    run(["--base-url", sandbox_url, "usage", "completions", "--start", "2d", "--group-by", "project_id"], now=NOW)
    err = capsys.readouterr().err
    assert "admin_key=" not in err and "names are not available" not in err and WRONG_KEY not in err


def test_a_profile_s_wrong_key_names_the_profile_s_variable(
    sandbox_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "oai-usage.toml"
    config.write_text(f'[profiles.acme]\nkey_env = "ACME_ADMIN_KEY"\nbase_url = "{sandbox_url}"\n')
    monkeypatch.setenv("ACME_ADMIN_KEY", WRONG_KEY)
    assert run(["projects", "--profile", "acme", "--config", str(config)], now=NOW) == 1
    assert capsys.readouterr().err.startswith("oai-usage: error: ACME_ADMIN_KEY: the server refused the admin key")
