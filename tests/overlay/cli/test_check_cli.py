"""`oai-usage check` end to end: a sandbox organization served over HTTP, pinned so that a project is at 85 % of
its limit and one day has a spike; findings posted through Apprise to a real loopback receiver, once per period."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from oai_usage import UsageClient
from oai_usage.cli.commands.check import EXIT_FINDINGS, EXIT_NOTIFY_FAILED
from oai_usage.cli.main import run
from oai_usage_sandbox import SandboxConfig, SandboxTransport
from oai_usage_sandbox.server import serve_in_thread

from ..alerts.receiver import Receiver, receiving

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # TEST_NOW: a Tuesday; the day judged is Monday the 23rd
SPIKE_DAY = date(2026, 11, 23)
PROJECT = "proj_2LZiWo9txM4qTZ1c"  # "Research sandbox" of seed 0: no limit of its own in the sandbox
PROJECT_NAME = "Research sandbox"
KEY = "sk-admin-test-check0123456789abcdef"


def _spiked(limit_cents: int | None = None) -> SandboxConfig:
    spike = ((SPIKE_DAY - date(1970, 1, 1)).days, PROJECT, 8)
    limits = ((PROJECT, limit_cents),) if limit_cents is not None else ()
    return SandboxConfig(now=int(NOW.timestamp()), spikes=(spike,), project_limits=limits)


def _month_to_date(config: SandboxConfig) -> float:
    """The project's spend this month, as the sandbox serves it (the report's month to date)."""
    http = httpx.Client(transport=SandboxTransport(config))
    with UsageClient(KEY, base_url="https://sandbox.oai-usage.invalid/v1", http_client=http) as client:
        rows = client.costs(start_time=NOW.replace(day=1, hour=0, minute=0), end_time=NOW, bucket_width="1d",
                            group_by=["project_id"], project_ids=[PROJECT]).rows()  # fmt: skip
        total = sum(float(r["amount_value"] or 0) for r in rows)
    http.close()
    return total


@pytest.fixture(scope="module")
def limit_cents() -> int:
    """A limit the project has used 85 % of (with the spike), in cents."""
    return round(_month_to_date(_spiked()) / 0.85 * 100)


def isolate(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The admin key set, no config file or state around (both under tmp_path), no proxy between us and loopback."""
    clean_env.setenv("OPENAI_ADMIN_KEY", KEY)
    clean_env.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    clean_env.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    clean_env.delenv("OAI_USAGE_CONFIG", raising=False)
    clean_env.chdir(tmp_path)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        clean_env.delenv(name, raising=False)
    clean_env.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def api(limit_cents: int, clean_env: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The pinned sandbox over HTTP on loopback (its base URL), the admin key set, no config file around."""
    isolate(clean_env, tmp_path)
    with serve_in_thread(_spiked(limit_cents)) as url:
        yield url


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json_check(capsys: pytest.CaptureFixture[str], api: str, got: Receiver, state: Path) -> tuple[int, dict[str, Any]]:
    code, out, _ = _check(capsys, "--base-url", api, "check", "--format", "json", "--notify", got.url(),
                          "--state", str(state))  # fmt: skip
    return code, json.loads(out)


def test_check_names_the_project_near_its_limit_and_the_spike(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _check(capsys, "--base-url", api, "check", "--dry-run")
    assert code == EXIT_FINDINGS
    limit = next(line for line in out.splitlines() if line.startswith("WARNING  limits") and "has used" in line)
    assert f"{PROJECT_NAME} ({PROJECT})" in limit and "85.0%" in limit and "threshold 80%" in limit
    spike = next(line for line in out.splitlines() if "unusual day: project" in line)
    assert f"{PROJECT_NAME} ({PROJECT})" in spike and "on 2026-11-23 (Monday)" in spike and "its median of" in spike


def test_each_finding_is_one_message_and_a_rerun_sends_nothing_new(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    with receiving() as got:
        first_code, first = _json_check(capsys, api, got, state)
        findings = first["findings"]
        assert findings
        assert len(got.posts) == len(findings)
        assert sorted(body["message"].split("\n")[0] for _, body in got.posts) == sorted(f["what"] for f in findings)
        second_code, second = _json_check(capsys, api, got, state)
    assert first_code == second_code == EXIT_FINDINGS
    assert len(got.posts) == len(findings)  # nothing new
    notifications = second["notifications"]
    assert notifications["sent"] == [] and notifications["sent_earlier"] == len(findings)


def test_no_message_holds_the_admin_key(api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with receiving() as got:
        _json_check(capsys, api, got, tmp_path / "state.json")
    assert got.posts and not any(KEY in json.dumps(body) for _, body in got.posts)


def test_a_failing_target_exits_4_and_the_findings_go_out_next_run(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.json"
    with receiving() as got:
        got.status = 500
        code, out, _ = _check(capsys, "--base-url", api, "check", "--notify", got.url(), "--state", str(state))
        assert code == EXIT_NOTIFY_FAILED
        warned = [r for r in caplog.records if r.name == "oai_usage.alerts"]
        assert len(warned) == 1 and "sent again next run" in warned[0].getMessage()
        assert f"FAILED: json://127.0.0.1:{got.port}" in out
        got.status = 200
        retried, data = _json_check(capsys, api, got, state)
    assert retried == EXIT_FINDINGS
    assert len(data["notifications"]["sent"]) == len(data["findings"])


def test_a_failing_target_with_a_token_for_a_host_is_never_printed_or_stored(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "o.gn5kj6nfhv736I7jC3cj3QLRiyhgl98b"  # a Pushbullet access token goes where a host goes
    state = tmp_path / "state.json"
    code, out, err = _check(capsys, "--base-url", api, "check", "--notify", f"pbul://{token}", "--state", str(state),
                            "--format", "json")  # fmt: skip
    shown = out + err + caplog.text + state.read_text(encoding="utf-8")
    assert code == EXIT_NOTIFY_FAILED and "pbul://o...b" in out
    assert token not in shown and token.lower() not in shown


def test_a_state_that_cannot_be_written_is_exit_1_before_anything_is_sent(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)  # a state folder the cron user cannot write
    with receiving() as got:
        code, _, err = _check(capsys, "--base-url", api, "check", "--notify", got.url(), "--state",
                              str(tmp_path / "state.json"))  # fmt: skip
    assert code == 1 and "cannot write it (Permission denied); nothing was sent" in err and err.count("\n") == 1
    assert got.posts == []  # before: sent, then failed to note it, so sent again at every run


def test_targets_and_rules_come_from_the_config(api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with receiving() as got:
        (tmp_path / "oai-usage.toml").write_text(
            f'[check]\nrules = ["limits"]\nnotify = ["{got.url()}"]\nlimit_projection = false\n', encoding="utf-8"
        )
        code, out, _ = _check(capsys, "--base-url", api, "check", "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == EXIT_FINDINGS and [(f["rule"], f["threshold"]) for f in findings] == [("limits", "80")]
    assert len(got.posts) == 1
    assert (tmp_path / "oai-usage-check-state.json").is_file()  # beside the config file


def test_an_unknown_config_key_is_exit_2_naming_it(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   clean_env: pytest.MonkeyPatch) -> None:  # fmt: skip
    config = tmp_path / "oai-usage.toml"
    config.write_text("[check]\nthreshold = 80\n", encoding="utf-8")
    code, _, err = _check(capsys, "--sandbox", "check", "--config", str(config))
    assert code == 2 and "unknown setting 'threshold'; allowed: rules" in err and err.count("\n") == 1


def test_an_empty_state_path_is_exit_2_not_the_default_file(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                            clean_env: pytest.MonkeyPatch) -> None:  # fmt: skip
    clean_env.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    code, _, err = _check(capsys, "--sandbox", "check", "--state", "", "--notify", "json://127.0.0.1:9/x")
    assert code == 2 and "--state: a file path, not an empty one" in err and err.count("\n") == 1
    assert not (tmp_path / "state").exists()


def test_nothing_fired_is_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "oai-usage.toml"
    config.write_text('[check]\nrules = ["limits"]\n', encoding="utf-8")
    code, out, _ = _check(capsys, "--sandbox", "check", "--config", str(config))
    assert code == 0 and out.startswith("oai-usage check for sandbox: 0 findings")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse of the sandbox's daily costs by every dimension, synced at NOW, and its config file."""
    folder = tmp_path_factory.mktemp("warehouse")
    db, config = folder / "usage.duckdb", folder / "oai-usage.toml"
    config.write_text('[[plan]]\nwidth = "1d"\ngroup_by = "all"\nendpoints = ["costs"]\n', encoding="utf-8")
    assert run(["--sandbox", "sync", "--db", str(db), "--config", str(config), "--since", "40d"], now=NOW) == 0
    return db, config


def test_a_stale_warehouse_fires_with_db(capsys: pytest.CaptureFixture[str], synced: tuple[Path, Path]) -> None:
    db, config = synced
    capsys.readouterr()
    later = (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out, _ = _check(capsys, "--sandbox", "--now", later, "check", "--db", str(db), "--config", str(config),
                          "--format", "json")  # fmt: skip
    data = json.loads(out)
    stale = [f for f in data["findings"] if f["rule"] == "stale"]
    assert code == EXIT_FINDINGS and len(stale) == 1 and stale[0]["amount"] == 48.0
    assert data["source"] == "warehouse"


def test_the_warehouse_finds_what_the_api_finds(capsys: pytest.CaptureFixture[str], synced: tuple[Path, Path]) -> None:
    db, config = synced
    capsys.readouterr()
    _, live, _ = _check(capsys, "--sandbox", "check", "--config", str(config), "--format", "json")
    _, stored, _ = _check(capsys, "--sandbox", "check", "--db", str(db), "--config", str(config), "--format", "json")

    def judged(out: str) -> list[tuple[str, str, float, float]]:
        found = json.loads(out)["findings"]
        return sorted((f["rule"], f["id"], round(f["amount"], 6), round(f["baseline"], 6)) for f in found
                      if f["rule"] in ("unusual", "new"))  # fmt: skip

    assert judged(live) and judged(live) == judged(stored)


def test_the_warehouse_judges_the_limits_the_sync_stored_as_the_api_does(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db, config = tmp_path / "usage.duckdb", tmp_path / "sync.toml"
    config.write_text('[[plan]]\nwidth = "1d"\ngroup_by = "all"\nendpoints = ["costs"]\n', encoding="utf-8")
    assert run(["--base-url", api, "sync", "--db", str(db), "--config", str(config), "--since", "40d"], now=NOW) == 0
    capsys.readouterr()
    _, live, _ = _check(capsys, "--base-url", api, "check", "--config", str(config), "--format", "json")
    code, stored, _ = _check(capsys, "--base-url", api, "check", "--db", str(db), "--config", str(config),
                             "--format", "json")  # fmt: skip

    def limits(out: str) -> list[dict[str, Any]]:
        return [f for f in json.loads(out)["findings"] if f["rule"] == "limits"]

    def figures(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(f["key"].partition(":")[2], f["what"], round(f["amount"], 6), f["baseline"]) for f in found]

    project = [f for f in limits(stored) if f["id"] == PROJECT]
    assert code == EXIT_FINDINGS and [f["threshold"] for f in project] == ["80", "projected-100"]
    assert "85.0%" in project[0]["what"] and PROJECT_NAME in project[0]["what"]
    assert figures(limits(stored)) == figures(limits(live))
    assert all("the limit as of the last sync, 2026-11-24 15:30Z" in f["basis"] for f in limits(stored))
    assert all(f["details"]["limit_as_of"] == "2026-11-24T15:30:00+00:00" for f in limits(stored))


def test_a_key_a_server_echoed_into_a_stored_name_is_masked_with_db(
    capsys: pytest.CaptureFixture[str], synced: tuple[Path, Path], tmp_path: Path
) -> None:
    import shutil

    import duckdb

    db, config = synced
    echoed = tmp_path / "echoed.duckdb"
    shutil.copy(db, echoed)
    with duckdb.connect(str(echoed)) as con:  # no client is live when --db reads it: nothing else knows the key
        con.execute(f"UPDATE names_projects SET name = name || ' {KEY}'")
    loose = tmp_path / "oai-usage.toml"
    rules = '[check]\nunusual_dimensions = ["project"]\nunusual_factor = 1\nunusual_min_ratio = 1\n'
    rules += "unusual_min_amount = 0\n"
    loose.write_text(config.read_text(encoding="utf-8") + rules, encoding="utf-8")
    capsys.readouterr()
    for fmt in ("json", "table"):
        code, out, _ = _check(capsys, "--sandbox", "check", "--db", str(echoed), "--config", str(loose),
                              "--format", fmt)  # fmt: skip
        assert code == EXIT_FINDINGS and " sk-***" in out and KEY not in out


def test_the_console_script_exits_3(tmp_path: Path) -> None:
    """A real child process, as cron runs it, on the built-in sandbox pinned to NOW (its burst line item)."""
    script = Path(sys.executable).with_name("oai-usage")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "COLUMNS": "200"}  # fmt: skip
    done = subprocess.run([str(script), "--sandbox", "--now", "2026-11-24T15:30:00Z", "check", "--dry-run"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)  # fmt: skip
    assert done.returncode == EXIT_FINDINGS, done.stderr
    assert "unusual day: line item gpt-4o-audio-preview-2024-12-17, audio output (flex)" in done.stdout


def test_the_sandbox_findings_never_share_keys_with_a_real_organization(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _check(capsys, "--sandbox", "check", "--dry-run", "--format", "json")
    keys = [f["key"] for f in json.loads(out)["findings"]]
    assert code == EXIT_FINDINGS and keys and all(k.startswith("sandbox:") for k in keys)
