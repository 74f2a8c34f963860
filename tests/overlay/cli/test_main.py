"""The `oai-usage` command end to end, against the built-in sandbox in process (no key, no network)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from oai_usage import UsageClient
from oai_usage.cli import connect as fetch
from oai_usage.cli.main import run
from oai_usage.cli.output import csv_cell

from tests.overlay.cli.conftest import NOW


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _rows(client: UsageClient, endpoint: str, **params: Any) -> list[dict[str, Any]]:
    return list(client.query(endpoint, **params).rows())


@pytest.mark.parametrize("endpoint", fetch.USAGE_ENDPOINTS)
def test_usage_csv_has_header_and_one_line_per_row(
    endpoint: str, capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient
) -> None:
    code, out, err = cli(capsys, "--sandbox", "usage", endpoint, "--start", "2026-11-20", "--format", "csv")
    assert code == 0, err
    lines = list(csv.reader(io.StringIO(out)))
    expected = _rows(sandbox_client, endpoint, start_time=datetime(2026, 11, 20, tzinfo=UTC), end_time=NOW)
    assert lines[0][: len(fetch.columns(endpoint))] == list(fetch.columns(endpoint))
    assert len(lines) - 1 == len(expected)


def test_csv_round_trips_to_the_library_rows(capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient) -> None:
    argv = ["--sandbox", "usage", "completions", "--start", "2026-11-23", "--end", "2026-11-24"]
    code, out, _ = cli(capsys, *argv, "--bucket-width", "1h", "--group-by", "model,project_id", "--format", "csv")
    assert code == 0
    parsed = list(csv.DictReader(io.StringIO(out)))
    expected = _rows(
        sandbox_client,
        "completions",
        start_time=datetime(2026, 11, 23, tzinfo=UTC),
        end_time=datetime(2026, 11, 24, tzinfo=UTC),
        bucket_width="1h",
        group_by=["model", "project_id"],
    )
    assert parsed == [{k: csv_cell(v) for k, v in row.items()} for row in expected]
    assert parsed[0]["bucket_start"].endswith("Z")


def test_json_and_jsonl_carry_the_same_rows(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "costs", "--start", "2026-11-10", "--group-by", "line_item"]
    _, as_json, _ = cli(capsys, *argv, "--format", "json")
    _, as_jsonl, _ = cli(capsys, *argv, "--format", "jsonl")
    rows = json.loads(as_json)
    assert rows == [json.loads(line) for line in as_jsonl.splitlines()]
    assert rows and {"bucket_start", "amount_value", "amount_currency", "line_item"} <= rows[0].keys()


def test_table_shows_the_grouped_values(capsys: pytest.CaptureFixture[str], sandbox_client: UsageClient) -> None:
    code, out, _ = cli(capsys, "--sandbox", "usage", "embeddings", "--start", "2026-11-22", "--group-by", "model")
    assert code == 0
    models = {r["model"] for r in _rows(sandbox_client, "embeddings", start_time=NOW - timedelta(days=2),
                                        end_time=NOW, group_by=["model"])}  # fmt: skip
    assert models and all(m in out for m in models)
    assert "embeddings usage" in out


def test_output_file_is_written_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "costs.csv"
    code, out, _ = cli(capsys, "--sandbox", "costs", "--start", "2026-11-01", "--format", "csv", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("bucket_start,bucket_end,")
    assert [p.name for p in tmp_path.iterdir()] == ["costs.csv"]


def test_report_table_names_its_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--sandbox", "report", "--since", "3d")
    assert code == 0
    for heading in ("Summary", "Spend by project", "Spend by line item", "Top models by tokens", "Daily spend"):
        assert heading in out
    assert "Money: GET /v1/organization/costs" in out
    assert "Volume: GET /v1/organization/usage/{completions,embeddings}" in out


def test_report_plot_writes_a_real_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.image

    chart = tmp_path / "report.png"
    code, out, _ = cli(capsys, "--sandbox", "report", "--since", "14d", "--plot", str(chart))
    assert code == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(str(chart)).shape
    # spend, month to date against the organization's limit and each of the sandbox's two project limits, tokens
    assert (width, height) == (1300, 2000)
    assert f"Chart written to {chart}" in out


def test_plot_without_matplotlib_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    code, _, err = cli(capsys, "--sandbox", "report", "--plot", str(tmp_path / "r.png"))
    assert code == 2
    assert "pip install 'oai-usage[plot]'" in err
    assert not (tmp_path / "r.png").exists()


BAD_INPUT = [
    (["usage", "chat"], "invalid choice: 'chat'"),
    (["usage", "completions", "--start", "last tuesday"], "--start: cannot read 'last tuesday'"),
    (
        ["usage", "completions", "--start", "2026-11-20", "--end", "2026-11-10"],
        "--end (2026-11-10T00:00:00Z) must be after",
    ),
    (["usage", "images", "--group-by", "model,line_item"], "group_by"),
    (["usage", "completions", "--bucket-width", "1h", "--limit", "500"], "limit"),
    (["usage", "completions", "--bucket-width", "1w"], "invalid choice: '1w'"),
    (["usage", "images", "--sizes", "999x999"], "sizes"),
    (["costs", "--bucket-width", "1h"], "invalid choice: '1h'"),
    (["report", "--since", "30d", "--start", "2026-11-01"], "--since cannot be combined"),
    (["report", "--since", "0d"], "--since: cannot read '0d'"),
    (["report", "--format", "xml"], "invalid choice: 'xml'"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code, out, err = cli(capsys, "--sandbox", *argv)
    except SystemExit as exc:  # argparse's own checks leave through SystemExit
        code, captured = int(exc.code or 0), capsys.readouterr()
        out, err = captured.out, captured.err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""


def test_group_by_error_names_what_is_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = cli(capsys, "--sandbox", "usage", "images", "--group-by", "line_item")
    for allowed in fetch.endpoint_options("images").group_by:
        assert allowed in err


def test_missing_key_says_how_to_set_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "costs")
    assert code == 2 and out == ""
    assert "OPENAI_ADMIN_KEY" in err and "--sandbox" in err


FAKE_KEY = "sk-admin-CLI-TEST-7f3a9c1e5b2d4f6a8c0e"


def test_api_error_exits_1_with_the_api_message(
    httpx_mock: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", FAKE_KEY)
    httpx_mock.add_response(
        status_code=403,
        json={
            "error": {
                "message": "You have insufficient permissions for this operation.",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        },
    )
    code, out, err = cli(capsys, "-vv", "--base-url", "https://api.example.test/v1", "costs", "--start", "2d")
    assert code == 1
    assert "insufficient permissions" in err and "Traceback" not in err
    assert FAKE_KEY not in out + err
    request = httpx_mock.get_request()
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"


def _empty_days(request: httpx.Request) -> httpx.Response:
    """A page of empty 1d buckets tiling the requested range (up to now without an end), as the API sends for a
    quiet organization."""
    params = request.url.params
    start, end = int(params["start_time"]), int(params.get("end_time", int(NOW.timestamp())))
    day = 86400
    bounds = [start, *range(start - start % day + day, end, day), end]
    buckets = [{"object": "bucket", "start_time": a, "end_time": a - a % day + day, "results": []} for a in bounds[:-1]]
    return httpx.Response(200, json={"object": "page", "data": buckets, "has_more": False, "next_page": None})


def test_key_never_printed_on_success(
    httpx_mock: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", FAKE_KEY)
    httpx_mock.add_callback(_empty_days, is_reusable=True)
    caplog.set_level("DEBUG")
    code, out, err = cli(capsys, "-vv", "--base-url", "https://api.example.test/v1", "usage", "moderations",
                         "--format", "jsonl")  # fmt: skip
    assert code == 0 and out == ""
    assert FAKE_KEY not in out + err + caplog.text
    assert FAKE_KEY[10:] not in out + err + caplog.text


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "--sandbox", "usage", "completions", "--start", "3d", "--bucket-width", "1m",
                       "--format", "jsonl")  # fmt: skip
    assert code == 0
    assert err == ""


def test_an_unknown_option_with_terminal_escapes_is_shown_escaped_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        run(["--sandbox", "costs", "--start", "7d", "\x1b]52;c;ZXZpbA==\x07\n\u202e"])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and err.count("\n") == 1
    assert "\\x1b]52;c;ZXZpbA==\\x07" in err and not any(char in err for char in "\x1b\x07\u202e")
