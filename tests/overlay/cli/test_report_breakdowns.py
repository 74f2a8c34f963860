"""Spend by API key and tokens by user in every format of `oai-usage report` (the figures: tests/overlay/report)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from oai_usage.cli.main import run

from tests.overlay.cli.conftest import NOW


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = run(["--sandbox", "report", "--since", "7d", *argv], now=NOW)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_json_has_spend_by_api_key_and_tokens_by_user_with_share_and_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = json.loads(_cli(capsys, "--format", "json"))
    keys, users = report["spend"]["by_api_key"]["usd"], report["volume"]["by_user"]
    assert sum(k["spend"] for k in keys) == pytest.approx(report["spend"]["total"]["usd"])
    assert sum(u["tokens"] for u in users) == report["volume"]["tokens"]
    assert {"id", "name", "spend", "previous", "share", "change"} == set(keys[0])
    assert {"id", "email", "tokens", "previous", "share", "change"} == set(users[0])
    assert any(k["name"] for k in keys) and any("@" in u["email"] for u in users)


def test_csv_records_match_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_cli(capsys, "--format", "json"))
    records = list(csv.DictReader(io.StringIO(_cli(capsys, "--format", "csv"))))
    spend = {r["key"]: float(r["value"]) for r in records if r["section"] == "api_key_spend" and r["metric"] == "spend"}
    assert spend == pytest.approx({k["id"]: k["spend"] for k in report["spend"]["by_api_key"]["usd"]})
    tokens = {r["key"]: int(r["value"]) for r in records if r["section"] == "user_tokens" and r["metric"] == "tokens"}
    assert tokens == {u["id"]: u["tokens"] for u in report["volume"]["by_user"]}


def test_the_tables_show_keys_by_name_and_users_by_e_mail(capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_cli(capsys, "--format", "json"))
    out = _cli(capsys)
    assert "Spend by API key" in out and "Tokens by user" in out
    top_key, top_user = report["spend"]["by_api_key"]["usd"][0], report["volume"]["by_user"][0]
    assert (top_key["name"] or top_key["id"]) in out and (top_user["email"] or top_user["id"]) in out
