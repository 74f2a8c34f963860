"""`export --parquet` over an earlier export: it replaces only the files it wrote (its manifest lists them) and
refuses, in one line, a directory holding anything else at any depth; nothing of the user's is ever deleted."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse.export import MANIFEST_HEADER, MARKER

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two days of sandbox costs and the name directory (so that an export has `names/`)."""
    path = tmp_path_factory.mktemp("export") / "usage.duckdb"
    assert run(["--sandbox", "sync", "--db", str(path), "--since", "2d", "--endpoints", "costs"], now=HOUR_NOW) == 0
    return path


def _export(db: Path, target: Path) -> int:
    return run(["export", "--db", str(db), "--parquet", str(target)], now=HOUR_NOW)


def _a_date_folder(target: Path) -> Path:
    return sorted((target / "costs_total").iterdir())[0]


@pytest.mark.parametrize(
    "where",
    [
        lambda target: target / "costs_total" / "README.md",
        lambda target: _a_date_folder(target) / "notes.txt",
        lambda target: target / "names" / "my-team-names.csv",
    ],
    ids=["dataset folder", "date folder", "names folder"],
)
def test_a_users_file_deep_inside_an_earlier_export_refuses_the_export_and_stays(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: object
) -> None:
    target = tmp_path / "lake"
    assert _export(db, target) == 0
    mine = where(target)  # type: ignore[operator]
    mine.write_text("the team's notes\n")
    capsys.readouterr()
    assert _export(db, target) == 2
    err = capsys.readouterr().err
    relative = mine.relative_to(target).as_posix()
    assert err == (f"oai-usage: error: --parquet {target}: an earlier export that now holds other files "
                   f"({relative}); move them out or give a new directory\n")  # fmt: skip
    assert mine.read_text() == "the team's notes\n"


def test_the_manifest_lists_every_file_the_export_wrote(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "lake"
    assert _export(db, target) == 0
    lines = (target / MARKER).read_text().splitlines()
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file() and p.name != MARKER)
    assert lines[0] == MANIFEST_HEADER
    assert lines[1:] == written and any(n.startswith("names/") for n in written)


def test_a_second_export_replaces_its_own_files_and_leaves_nothing_aside(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "lake"
    assert _export(db, target) == 0
    first = sorted(p.relative_to(target) for p in target.rglob("*"))
    assert _export(db, target) == 0
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]


def test_an_export_older_than_the_manifest_is_still_replaced_but_a_users_file_in_it_refuses(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "lake"
    legacy = ["endpoint=costs/date=2026-11-23/part_0.parquet", "_names/projects.parquet"]

    def old_export() -> None:  # as the release before the manifest (and before one dataset per grouping) wrote it
        for name in legacy:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(b"PAR1")
        (target / MARKER).write_text(MANIFEST_HEADER + "\n")

    old_export()
    assert _export(db, target) == 0
    assert not (target / "endpoint=costs").exists() and (target / "costs_total").is_dir()
    shutil.rmtree(target)
    old_export()
    mine = target / "endpoint=costs" / "date=2026-11-23" / "part_0.csv"
    mine.write_text("a,b\n")
    assert _export(db, target) == 2
    assert "(endpoint=costs/" in capsys.readouterr().err and mine.exists()
