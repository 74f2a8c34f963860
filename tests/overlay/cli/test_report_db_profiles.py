"""`report --db` names its organization (issue 20): one organization by default, `--profile` or the only one held;
with several and neither, exit 2 naming them; `--all-profiles` shows each organization and their total, labelled,
in JSON, CSV, tables, Markdown and HTML."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run

from tests.overlay.warehouse.conftest import SEEDS, sync_organizations

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
ENDPOINTS = ("costs", "completions", "embeddings")  # what the report reads


def _sync(path: Path, organizations: list[str]) -> Path:
    return sync_organizations(path, organizations, HOUR_NOW, endpoints=ENDPOINTS)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sync(tmp_path_factory.mktemp("two") / "usage.duckdb", ["acme", "beta"])


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("one")
    return {name: _sync(folder / f"{name}.duckdb", [name]) for name in SEEDS}


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=HOUR_NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = _cli(capsys, "report", "--format", "json", *argv)
    assert (code, err) == (0, "")
    found: dict[str, Any] = json.loads(out)
    return found


def test_several_organizations_without_profile_is_exit_2_naming_them(
    both: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "report", "--db", str(both))
    assert (code, out) == (2, "")
    assert "holds 2 organizations (acme, beta)" in err and "--profile NAME" in err and "--all-profiles" in err


@pytest.mark.parametrize("name", ["acme", "beta"])
def test_profile_gives_that_organizations_figures_only(
    both: Path, alone: dict[str, Path], capsys: pytest.CaptureFixture[str], name: str
) -> None:
    scoped = _json(capsys, "--db", str(both), "--profile", name)
    assert scoped == _json(capsys, "--db", str(alone[name]))
    assert (scoped["organization"], scoped["organizations"]) == (name, [name])


def test_the_only_organization_held_is_named_in_the_json(
    alone: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _json(capsys, "--db", str(alone["acme"]))["organization"] == "acme"


def test_all_profiles_json_has_each_organization_and_their_labelled_total(
    both: Path, alone: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    view = _json(capsys, "--db", str(both), "--all-profiles")
    assert view["organizations"] == ["acme", "beta"]
    spends = [view["by_organization"][n]["spend"]["total"]["usd"] for n in SEEDS]
    assert spends[0] != spends[1]  # two organizations, two sets of figures
    for name in SEEDS:
        assert view["by_organization"][name] == _json(capsys, "--db", str(alone[name]))
    total = view["total"]
    assert (total["organization"], total["organizations"]) == ("total", ["acme", "beta"])
    for currency, spend in total["spend"]["total"].items():
        parts = sum(view["by_organization"][n]["spend"]["total"].get(currency, 0.0) for n in SEEDS)
        assert spend == pytest.approx(parts, rel=1e-9)
    assert total["volume"]["tokens"] == sum(view["by_organization"][n]["volume"]["tokens"] for n in SEEDS)


def test_all_profiles_csv_has_an_organization_column_with_the_total_labelled(
    both: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "report", "--db", str(both), "--all-profiles", "--format", "csv")
    assert (code, err) == (0, "")
    records = list(csv.reader(io.StringIO(out, newline="")))
    assert records[0] == ["organization", "section", "key", "currency", "metric", "value"]
    assert {r[0] for r in records[1:]} == {"acme", "beta", "total"}
    spend = {r[0]: float(r[5]) for r in records[1:] if r[1:5] == ["summary", "spend", "usd", "this_period"]}
    assert spend["total"] == pytest.approx(spend["acme"] + spend["beta"], rel=1e-9)


@pytest.mark.parametrize("form", ["table", "markdown"])
def test_all_profiles_tables_head_each_part_with_whose_it_is(
    both: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    code, out, err = _cli(capsys, "report", "--db", str(both), "--all-profiles", "--format", form)
    assert (code, err) == (0, "")
    heads = [line for line in out.splitlines() if "OpenAI usage report" in line]
    assert len(heads) == 3
    assert heads[0].endswith("(acme)") and heads[1].endswith("(beta)")
    assert heads[2].endswith("(total of 2 organizations: acme, beta)")


def test_all_profiles_html_has_an_article_per_organization_and_the_total(
    both: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "r.html"
    code, _, err = _cli(capsys, "report", "--db", str(both), "--all-profiles", "--html", str(page))
    assert (code, err) == (0, "")
    text = page.read_text(encoding="utf-8")
    assert text.count("<article ") == 3 and '<article id="total">' in text
    assert "(total of 2 organizations: acme, beta)" in text and "(acme)" in text and "(beta)" in text


def test_all_profiles_without_db_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--sandbox", "report", "--all-profiles")
    assert code == 2 and "--all-profiles needs --db" in err


def test_profile_and_all_profiles_together_are_exit_2(both: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "report", "--db", str(both), "--all-profiles", "--profile", "acme")
    assert code == 2 and "cannot be combined" in err


def test_a_profiles_part_equals_the_live_report_of_that_organization(
    both: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from oai_usage.report import Caveat, caveat_text

    WAREHOUSE_LIMITS_NOTE = caveat_text(Caveat("limits_not_in_warehouse"))

    live = _json(capsys, "--sandbox", "--now", HOUR_NOW.isoformat())  # the built-in sandbox is seed 0: acme's
    stored = _json(capsys, "--db", str(both), "--profile", "acme")
    assert (stored.pop("organization"), stored.pop("organizations")) == ("acme", ["acme"])
    stored["caveats"] = [c for c in stored["caveats"] if not c.startswith("The warehouse's plan keeps no")]
    stored["volume"]["by_user"] = live["volume"]["by_user"]  # the plan keeps neither for this report's range
    stored["spend"]["by_api_key"] = live["spend"]["by_api_key"]
    kept = len(stored["caveats"]) - 1
    assert stored == {**live, "limits": None, "caveats": [*live["caveats"][:kept], WAREHOUSE_LIMITS_NOTE]}
