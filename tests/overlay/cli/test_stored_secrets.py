"""A key a server echoed into data that a sync stored is never printed back by a reader of the warehouse, even with
no client running to recognise it as a live secret."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse.store import table_name

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
ECHOED = "sk-admin-" + "Zq7" * 16  # the shape of an admin key, as a hostile server may echo one


@pytest.fixture
def db_with_echo(tmp_path: Path) -> Path:
    path = tmp_path / "usage.duckdb"
    argv = [
        "--sandbox",
        "sync",
        "--since",
        "14d",
        "--endpoints",
        "costs,completions,embeddings",
        "--no-names",
        "--db",
        str(path),
    ]
    assert run(argv, now=NOW) == 0
    with duckdb.connect(str(path)) as con:
        con.execute(f"UPDATE {table_name('costs')} SET line_item = ?", [ECHOED])
    return path


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_report_db_masks_a_key_shaped_value_in_every_format(
    db_with_echo: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["report", "--db", str(db_with_echo), "--since", "3d", "--format", fmt], now=NOW) == 0
    out, err = capsys.readouterr()
    assert ECHOED not in out + err
    assert ("sk-\\*\\*\\*" if fmt == "markdown" else "sk-***") in out


def test_the_html_page_and_the_chart_labels_mask_it(db_with_echo: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    argv = ["report", "--db", str(db_with_echo), "--since", "3d", "--html", str(page), "-o", str(tmp_path / "r.txt")]
    assert run(argv, now=NOW) == 0
    text = page.read_text(encoding="utf-8")
    assert ECHOED not in text
    assert "sk-***" in text
