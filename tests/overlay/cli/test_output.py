"""Row writers: CSV with a header, JSON, JSONL, and files that appear only when complete."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.output import (
    open_output,
    table_columns,
    visible,
    write_csv,
    write_json,
    write_jsonl,
    write_table,
)

ROWS: list[dict[str, Any]] = [
    {
        "bucket_start": datetime(2026, 11, 1, tzinfo=UTC),
        "bucket_end": datetime(2026, 11, 2, tzinfo=UTC),
        "input_tokens": 1843200,
        "batch": False,
        "model": "gpt-4o-mini",
        "project_id": None,
    },
    {
        "bucket_start": datetime(2026, 11, 2, tzinfo=UTC),
        "bucket_end": datetime(2026, 11, 3, tzinfo=UTC),
        "input_tokens": 12,
        "batch": True,
        "model": "gpt-4o",
        "project_id": "proj_a",
    },
]
COLUMNS = ["bucket_start", "bucket_end", "input_tokens", "batch", "model", "project_id"]


def test_csv_has_a_header_and_one_line_per_row_with_iso_utc_times() -> None:
    out = io.StringIO()
    assert write_csv(ROWS, out, COLUMNS) == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1] == "2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,1843200,false,gpt-4o-mini,"


def test_csv_appends_extra_keys_of_the_first_row() -> None:
    out = io.StringIO()
    write_csv([{**ROWS[0], "new_counter": 5}], out, COLUMNS)
    header, line = out.getvalue().splitlines()
    assert header.endswith(",new_counter")
    assert line.endswith(",5")


def test_csv_of_no_rows_still_has_the_header() -> None:
    out = io.StringIO()
    assert write_csv([], out, COLUMNS) == 0
    assert out.getvalue() == ",".join(COLUMNS) + "\n"


def test_csv_round_trips_through_the_csv_module() -> None:
    out = io.StringIO()
    write_csv(ROWS, out, COLUMNS)
    back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["model"] for r in back] == ["gpt-4o-mini", "gpt-4o"]
    assert [int(r["input_tokens"]) for r in back] == [1843200, 12]


def test_json_is_one_array_of_objects() -> None:
    out = io.StringIO()
    assert write_json(ROWS, out) == 2
    data = json.loads(out.getvalue())
    assert data[1] == {
        "bucket_start": "2026-11-02T00:00:00Z", "bucket_end": "2026-11-03T00:00:00Z", "input_tokens": 12,
        "batch": True, "model": "gpt-4o", "project_id": "proj_a",
    }  # fmt: skip


def test_json_of_no_rows_is_an_empty_array() -> None:
    out = io.StringIO()
    write_json([], out)
    assert json.loads(out.getvalue()) == []


def test_jsonl_is_one_object_per_line() -> None:
    out = io.StringIO()
    write_jsonl(ROWS, out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["model"] for line in lines] == ["gpt-4o-mini", "gpt-4o"]


def test_table_leaves_out_columns_empty_in_every_row() -> None:
    out = io.StringIO()
    write_table([{**r, "project_id": None} for r in ROWS], out, COLUMNS, title="t")
    text = out.getvalue()
    assert "model" in text
    assert "project_id" not in text
    assert "1,843,200" in text


def test_output_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with open_output(str(target)) as fh:
        fh.write("partial")
        assert not target.exists()
    assert target.read_text() == "partial"


def test_failed_write_leaves_no_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), open_output(str(target)) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_an_older_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("yesterday's export")
    with pytest.raises(RuntimeError), open_output(str(target)) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "yesterday's export"


def test_a_finished_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        with open_output(str(tmp_path / "out.csv")) as out:
            out.write("a\n")
    finally:
        os.umask(old)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_a_table_puts_dimensions_first_and_leaves_out_modality_splits() -> None:
    rows = [
        {"bucket_start": datetime(2026, 11, 1, tzinfo=UTC), "bucket_end": datetime(2026, 11, 2, tzinfo=UTC),
         "input_tokens": 10, "input_cached_tokens": 4, "input_audio_tokens": 2, "output_text_tokens": 3,
         "model": "gpt-4o", "user_id": None},
    ]  # fmt: skip
    shown, hidden = table_columns(rows, list(rows[0]))
    assert shown == ["bucket_start", "model", "input_tokens", "input_cached_tokens"]
    assert hidden == 2


def test_a_table_says_where_the_hidden_columns_are() -> None:
    out = io.StringIO()
    row = {"bucket_start": datetime(2026, 11, 1, tzinfo=UTC), "input_tokens": 1, "input_text_tokens": 1}
    write_table([row], out, list(row), title="t")
    assert "1 per-modality token columns are in --format csv/json" in out.getvalue()
    assert "input_text_tokens" not in out.getvalue()


# --- Issue 26: CSV that every reader splits the same way, and no formulas by default ------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A9)", "\tlead tab", "\rlead cr"]


def test_a_carriage_return_in_a_name_is_quoted_and_the_csv_parses_back_to_the_same_rows() -> None:
    rows = [{"project_id": "proj_a", "project_name": "Ops\rteam", "amount_value": 1.5},
            {"project_id": "proj_b", "project_name": "two\nlines", "amount_value": 2.0}]  # fmt: skip
    out = io.StringIO()
    write_csv(rows, out, ("project_id", "project_name", "amount_value"))
    parsed = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert parsed[1:] == [["proj_a", "Ops\rteam", "1.5"], ["proj_b", "two\nlines", "2.0"]]
    assert out.getvalue().count("\n") == 4 and '"Ops\rteam"' in out.getvalue()


@pytest.mark.parametrize("name", FORMULAS)
def test_a_text_cell_starting_like_a_formula_is_neutralised_by_default(name: str) -> None:
    out = io.StringIO()
    write_csv([{"project_id": "proj_a", "project_name": name, "amount_value": -3.25}], out,
              ("project_id", "project_name", "amount_value"))  # fmt: skip
    (_, row) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row == ["proj_a", "'" + name, "-3.25"]  # a negative number stays a number


@pytest.mark.parametrize("name", FORMULAS)
def test_csv_raw_keeps_a_formula_like_cell_as_it_is(name: str) -> None:
    out = io.StringIO()
    write_csv([{"project_name": name}], out, ("project_name",), raw=True)
    assert list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1] == [name]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),  # OSC 52: write the clipboard
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC 0: the window title
        (
            "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
            "\\x1b]8;;https://evil.example\\x1b\\link\\x1b]8;;\\x1b\\",
        ),
        ("\x1b[2J", "\\x1b[2J"),  # CSI 2J: clear the screen
        ("abc\u202edef", "abc\\u202edef"),  # RLO
        ("one\ntwo\u2028three", "one\\x0atwo\\u2028three"),  # one line stays one line
    ],
    ids=["osc52", "osc0", "osc8", "csi2j", "rlo", "newlines"],
)
def test_the_one_escaping_function_shows_terminal_escapes_instead_of_sending_them(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert visible(visible(text)) == shown  # idempotent: text already shown is shown the same
