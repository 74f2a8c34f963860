"""The command line on the server's clock: skewed clocks, a pinned `--now`, ranges in the future, DST changes."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from oai_usage.cli.main import run
from oai_usage_sandbox import SandboxConfig, serve_in_thread

from tests.conftest import REPO, TEST_NOW

SERVER_NOW = TEST_NOW  # the server's clock; each test moves ours
KEY = "sk-admin-skew-tests"
SKEWS = (-3720, -122, -5, 5, 122, 3720)  # ours minus the server's: 1 h 2 min, 2 min, 5 s, behind and ahead
MIDNIGHT = SERVER_NOW // 86400 * 86400


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The HTTP sandbox with its clock pinned at SERVER_NOW (revisions on, as by default)."""
    with serve_in_thread(SandboxConfig(now=SERVER_NOW)) as url:
        yield url


def _our_clock(monkeypatch: pytest.MonkeyPatch, skew: int) -> None:
    monkeypatch.setattr("oai_usage.clock.system_time", lambda: float(SERVER_NOW + skew))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _past_days(report: dict[str, Any]) -> dict[str, Any]:
    """The report's whole past days: spend and tokens per day before the server's day in progress."""
    today = datetime.fromtimestamp(MIDNIGHT, UTC).date().isoformat()
    spend = {d: v for d, v in report["spend"]["daily"]["usd"].items() if d < today}
    tokens = {d: v for d, v in report["volume"]["daily_tokens"].items() if d < today}
    return {"spend": spend, "tokens": tokens}


def _report(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> dict[str, Any]:
    code, out, err = _cli(capsys, "--base-url", url, "report", "--since", "30d", "--format", "json", *extra)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize("skew", SKEWS)
def test_the_report_holds_whatever_the_server_clock_says(
    skew: int, server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _our_clock(monkeypatch, 0)
    baseline = _past_days(_report(capsys, server_url))
    _our_clock(monkeypatch, skew)
    skewed = _report(capsys, server_url)
    assert _past_days(skewed) == baseline
    assert skewed["period"]["end"] == datetime.fromtimestamp(SERVER_NOW, UTC).isoformat()  # the server's now


def _export(capsys: pytest.CaptureFixture[str], url: str, *command: str) -> list[dict[str, str]]:
    code, out, err = _cli(capsys, "--base-url", url, *command, "--start", "3d", "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def _closed(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of buckets that ended before the server's day began."""
    cut = datetime.fromtimestamp(MIDNIGHT, UTC).isoformat().replace("+00:00", "Z")
    return [r for r in rows if r["bucket_end"] <= cut]


@pytest.mark.parametrize("skew", SKEWS)
@pytest.mark.parametrize(
    "command",
    [("costs", "--group-by", "project_id"), ("usage", "completions", "--bucket-width", "1h", "--group-by", "model")],
    ids=["costs", "completions"],
)
def test_exports_hold_whatever_the_server_clock_says(
    skew: int,
    command: tuple[str, ...],
    server_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _our_clock(monkeypatch, 0)
    baseline = _export(capsys, server_url, *command)
    _our_clock(monkeypatch, skew)
    skewed = _export(capsys, server_url, *command)
    assert _closed(skewed) == _closed(baseline) != []


@pytest.mark.parametrize("skew", [-3720, 3720])
def test_sync_and_report_db_hold_whatever_the_server_clock_says(
    skew: int, server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("duckdb")
    results = []
    for ours in (0, skew):
        _our_clock(monkeypatch, ours)
        db = str(tmp_path / f"history{ours}.duckdb")
        code, out, err = _cli(capsys, "--base-url", server_url, "sync", "--db", db, "--no-names")
        assert code == 0, err
        code, out, err = _cli(capsys, "report", "--db", db, "--since", "30d", "--format", "json")
        assert code == 0, err
        results.append(json.loads(out))
    assert _past_days(results[1]) == _past_days(results[0])
    assert results[1]["period"]["end"] == results[0]["period"]["end"]


def test_now_pins_the_sandbox_and_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for wall in (TEST_NOW, TEST_NOW + 400 * 86400, TEST_NOW - 400 * 86400):
        monkeypatch.setattr("oai_usage.clock.system_time", lambda wall=wall: float(wall))
        code, out, err = _cli(capsys, "--sandbox", "--now", "2026-11-25T12:00:00Z", "report", "--since", "7d")
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "2026-11-19 00:00 → 2026-11-25 12:00 UTC" in outputs[0]


def test_now_needs_the_sandbox(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    code, out, err = _cli(capsys, "--now", "2026-11-25", "costs")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()] and "--now" in err and "--sandbox" in err


def test_the_documented_sample_report_is_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "docs" / "cli-guide.md").read_text(encoding="utf-8")
    command = "oai-usage --sandbox --now 2026-11-25T12:00:00Z report --since 30d"
    assert command in readme
    block = readme.split(command, 1)[1].split("```", 1)[0].removeprefix("\n").removesuffix("...\n")
    code, out, err = _cli(capsys, *command.split()[1:])
    assert code == 0, err
    printed = [line.rstrip() for line in out.splitlines()]
    shown = block.rstrip("\n").splitlines()
    assert printed[: len(shown)] == shown


@pytest.mark.parametrize(
    "command",
    [
        ("report", "--start", "2027-01-01", "--end", "2027-02-01"),
        ("costs", "--start", "2027-01-01", "--end", "2027-02-01"),
        ("usage", "embeddings", "--start", "2027-01-01"),
    ],
    ids=["report", "costs", "usage"],
)
def test_a_range_in_the_future_is_refused_by_every_command(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "--sandbox", "--now", "2026-11-24T15:30:00Z", *command)
    assert code == 2 and out == ""
    assert re.fullmatch(r"oai-usage: error: the range 2027-01-01T00:00:00Z to \S+ starts after now "
                        r"\(2026-11-24T15:30:00Z\): there is no data yet\n", err)  # fmt: skip


def test_an_export_ending_in_the_future_is_served_up_to_now_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "--sandbox", "--now", "2026-11-24T15:30:00Z", "costs", "--start", "2026-11-20",
                          "--end", "2027-01-01", "--format", "csv")  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert max(r["bucket_start"] for r in rows) == "2026-11-24T00:00:00Z"
    assert "served up to now (2026-11-24T15:30:00Z)" in err


def test_a_report_ending_in_the_future_shows_the_period_up_to_now(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "--sandbox", "--now", "2026-11-24T15:30:00Z", "report", "--start", "2026-11-20",
                          "--end", "2027-01-01", "--format", "json")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["period"]["end"] == "2026-11-24T15:30:00+00:00"
    assert max(report["spend"]["daily"]["usd"]) == "2026-11-24"
    assert any("after now" in line for line in report["caveats"])


# DST: Berlin springs forward 2026-03-29 and falls back 2026-10-25; Sydney (southern) falls back 2026-04-05
# and springs forward 2026-10-04. A 7-day report ending the day after each change compares with the week before,
# which is on the other side of the change.
@pytest.mark.parametrize(
    ("zone", "local_now"),
    [
        ("Europe/Berlin", datetime(2026, 3, 30, 2, 30)),
        ("Europe/Berlin", datetime(2026, 10, 26, 2, 30)),
        ("Australia/Sydney", datetime(2026, 4, 6, 2, 30)),
        ("Australia/Sydney", datetime(2026, 10, 5, 2, 30)),
    ],
    ids=["berlin-spring", "berlin-autumn", "sydney-autumn", "sydney-spring"],
)
def test_the_previous_period_stops_at_the_same_local_time_across_a_dst_change(
    zone: str, local_now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    tz = ZoneInfo(zone)
    now = local_now.replace(tzinfo=tz).astimezone(UTC)
    before = (now - timedelta(days=7)).astimezone(tz)
    assert before.utcoffset() != now.astimezone(tz).utcoffset()  # the week before is across the change
    code, out, err = _cli(capsys, "--sandbox", "--now", now.isoformat(), "report", "--since", "7d", "--tz", zone,
                          "--format", "json", "--no-limits")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    previous_end = datetime.fromisoformat(report["previous_period"]["end"]).astimezone(tz)
    assert (previous_end.hour, previous_end.minute) == (2, 30)
    assert previous_end.date() == (local_now - timedelta(days=7)).date()
    note = next(line for line in report["caveats"] if "same time of day" in line)
    assert f"{previous_end:%Y-%m-%d} 02:30" in note
    partial = report["period"]["partial_days"]
    assert partial == {local_now.date().isoformat(): "to 02:30"}
