"""`oai-usage sync`, `export --parquet` and `report --db`: figures equal the live report's, no API call, one
line for every mistake, a lock between concurrent syncs, and a Parquet dataset others can read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from oai_usage.cli.main import run
from oai_usage.warehouse.lock import database_lock
from oai_usage.warehouse.store import Warehouse

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a sync on the hour: the report's "now" is exactly it
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of the CLI's sandbox organization after a default sync (no --since): the default plan keeps
    what the default report reads for 61 days (a 30-day report, its previous period, a day for --tz)."""
    db = tmp_path_factory.mktemp("warehouse") / "usage.duckdb"
    assert run(["--sandbox", "sync", "--db", str(db)], now=HOUR_NOW) == 0
    return db


def _stdout(capsys: pytest.CaptureFixture[str], argv: list[str], now: datetime) -> tuple[int, str, str]:
    code = run(argv, now=now)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("extra", [[], ["--tz", "Europe/Berlin"], ["--since", "7d"], ["--ids"]])
def test_report_from_the_warehouse_equals_the_live_report(
    synced: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code, live_text, _ = _stdout(capsys, ["--sandbox", "report", "--format", "json", *extra], HOUR_NOW)
    assert code == 0
    later = datetime(2026, 12, 3, tzinfo=UTC)  # the warehouse reports as of its last sync, whatever the clock says
    code, stored_text, err = _stdout(capsys, ["report", "--db", str(synced), "--format", "json", *extra], later)
    assert (code, err) == (0, "")
    live, stored = json.loads(live_text), json.loads(stored_text)
    # the warehouse says whose figures these are (the only organization it holds)
    assert (stored.pop("organization"), stored.pop("organizations")) == ("sandbox", ["sandbox"])
    # Spend limits: the limits the sync stored, against the warehouse's daily costs, with the live report's
    # projection; the live report's limit caveats, and last the note of when the sync read them.
    assert live["limits"] is not None and stored["limits"] == live["limits"]
    # Spend by API key and tokens by user come from the units the default plan keeps by every dimension (whole UTC
    # days, 30 days back): a report reaching further back, or ending inside a day, leaves them out and says so.
    (gap,) = [c for c in stored["caveats"] if c.startswith("The warehouse's plan keeps no")] or [""]
    stored["caveats"] = [c for c in stored["caveats"] if c != gap]
    for part, name, words in (("spend", "by_api_key", "spend by API key"), ("volume", "by_user", "tokens by user")):
        assert stored[part][name] == live[part][name] or (stored[part][name] is None and words in gap)
        stored[part][name] = live[part][name]
    assert stored["caveats"][-1].startswith("Spend limits as the last sync read them (2026-11-24 15:00 UTC)")
    assert stored == {**live, "caveats": [*live["caveats"], stored["caveats"][-1]]}
    assert stored["spend"]["total"]["usd"] > 0
    names = set(stored["project_names"].values())
    assert "" not in names and len(names) > 1  # every project with spend named, from the warehouse


def test_report_db_has_spend_by_api_key_from_the_plans_every_dimension_unit(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", "--format", "json", "--since", "7d"]  # within the 30 days the default plan keeps by all
    live = json.loads(_stdout(capsys, ["--sandbox", *argv], HOUR_NOW)[1])
    stored = json.loads(_stdout(capsys, [*argv, "--db", str(synced)], datetime(2026, 12, 3, tzinfo=UTC))[1])
    assert stored["spend"]["by_api_key"] == live["spend"]["by_api_key"]
    assert len(stored["spend"]["by_api_key"]["usd"]) > 1 and stored["spend"]["by_api_key"]["usd"][0]["name"]


def test_report_db_without_usage_by_user_for_the_range_says_so(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the default plan keeps usage by user in whole UTC days only: a report ending inside a day cannot have it
    stored = json.loads(_stdout(capsys, ["report", "--db", str(synced), "--format", "json", "--since", "7d"],
                                datetime(2026, 12, 3, tzinfo=UTC))[1])  # fmt: skip
    assert stored["volume"]["by_user"] is None
    assert any(c.startswith("The warehouse's plan keeps no tokens by user") for c in stored["caveats"])


def test_report_db_tables_show_the_stored_names(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Warehouse(synced, read_only=True) as warehouse:
        found = warehouse.connection.execute("SELECT id, name FROM names_projects WHERE status = 'active'")
        projects = dict(found.fetchall())
    code, out, _ = _stdout(capsys, ["report", "--db", str(synced), "--format", "markdown"], HOUR_NOW)
    assert code == 0
    assert any(name in out for name in projects.values())
    code, out, _ = _stdout(capsys, ["report", "--db", str(synced), "--format", "markdown", "--ids"], HOUR_NOW)
    assert code == 0
    assert not any(name in out for name in projects.values()) and any(pid in out for pid in projects)


def test_sync_no_names_keeps_the_names_stored_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "u.duckdb"
    argv = ["--sandbox", "sync", "--db", str(db), "--since", "2d", "--endpoints", "costs"]
    code, out, _ = _stdout(capsys, [*argv, "--no-names"], HOUR_NOW)
    assert code == 0 and " names " not in out
    with Warehouse(db, read_only=True) as warehouse:
        assert warehouse.connection.execute("SELECT count(*) FROM names_projects").fetchone() == (0,)
    code, out, _ = _stdout(capsys, argv, HOUR_NOW)
    assert code == 0 and " names into " in out
    with Warehouse(db, read_only=True) as warehouse:
        before = warehouse.connection.execute("SELECT * FROM names_projects ORDER BY ALL").fetchall()
    config = tmp_path / "oai-usage.toml"
    config.write_text("names = false\n", encoding="utf-8")
    later = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert run([*argv, "--config", str(config)], now=later) == 0
    with Warehouse(db, read_only=True) as warehouse:
        assert warehouse.connection.execute("SELECT * FROM names_projects ORDER BY ALL").fetchall() == before


def test_report_db_sends_no_request(synced: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("report --db sent a request")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    code, out, err = _stdout(capsys, ["report", "--db", str(synced), "--format", "csv"], HOUR_NOW)  # no key set
    assert (code, err) == (0, "")
    assert out.startswith("section,")


def test_report_db_outside_the_history_says_which_sync_fills_it(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _stdout(capsys, ["report", "--db", str(synced), "--since", "90d"], HOUR_NOW)
    assert code == 2
    assert err.count("\n") == 1
    assert "run oai-usage sync --since" in err and "holds costs 1d" in err


def test_report_db_names_one_sync_for_both_periods(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 90 days on 2026-11-24 start on 2026-08-27; with the 90 days before them, the report reaches 2026-05-29.
    code, _, err = _stdout(capsys, ["report", "--db", str(synced), "--since", "90d"], HOUR_NOW)
    assert code == 2
    assert "needs it from 2026-05-29T00:00:00Z: run oai-usage sync --since 180d" in err


def test_report_db_for_a_profile_it_does_not_hold_lists_the_ones_it_does(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _stdout(capsys, ["report", "--db", str(synced), "--profile", "acme"], HOUR_NOW)
    assert code == 2
    assert "--profile acme" in err and "it holds: sandbox" in err


def test_sync_without_the_profiles_key_names_the_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "oai-usage.toml"
    config.write_text('[profiles.acme]\nkey_env = "ACME_ADMIN_KEY"\n', encoding="utf-8")
    argv = ["sync", "--db", str(tmp_path / "u.duckdb"), "--config", str(config)]
    code, _, err = _stdout(capsys, argv, HOUR_NOW)
    assert code == 2
    assert (
        err == "oai-usage: error: profile acme: no admin key: set ACME_ADMIN_KEY to its Admin API key (sk-admin-...)\n"
    )


def test_a_config_holding_a_key_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "oai-usage.toml"
    config.write_text('[profiles.acme]\nkey_env = "sk-admin-REALLOOKINGKEY123"\n', encoding="utf-8")
    code, out, err = _stdout(capsys, ["sync", "--config", str(config), "--db", str(tmp_path / "u.duckdb")], HOUR_NOW)
    assert code == 2
    assert "line 2: this looks like an API key" in err
    assert "REALLOOKINGKEY" not in out + err


def test_a_second_sync_exits_in_one_line_naming_who_holds_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "u.duckdb"
    with database_lock(db, what="sync"):
        code, _, err = _stdout(capsys, ["--sandbox", "sync", "--db", str(db), "--wait", "0.3"], HOUR_NOW)
    assert code == 1
    assert err.startswith(f"oai-usage: error: {db} is in use by pid {os.getpid()} on ")
    assert "after waiting 0.3 s" in err and err.count("\n") == 1


def test_two_syncs_at_once_leave_a_correct_database(tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    argv = [sys.executable, "-c", "from oai_usage.cli.main import main; main()", "--sandbox", "sync", "--db", str(db),
            "--since", "3d", "--endpoints", "costs,completions", "--wait", "60"]  # fmt: skip
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    with Warehouse(db) as warehouse:
        states = warehouse.states()
        assert states and all(org == "sandbox" for org, *_ in states)
        for table in ("costs", "usage_completions"):
            repeated = warehouse.connection.execute(
                f"SELECT count(*) FROM (SELECT organization, width, grouping, bucket_start, result_index FROM {table} "
                "GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()
            assert repeated == (0,)
        total = warehouse.connection.execute("SELECT count(*) FROM usage_completions").fetchone()
        assert total is not None and total[0] > 0


def test_export_writes_a_hive_partitioned_parquet_dataset(
    synced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    target = tmp_path / "lake"
    code, out, _ = _stdout(capsys, ["export", "--db", str(synced), "--parquet", str(target)], HOUR_NOW)
    assert code == 0 and out.startswith("exported ")
    assert (target / "costs_by_project_id_and_line_item").is_dir()
    assert any(p.name.startswith("date=2026-11-24") for p in (target / "costs_total").iterdir())
    con = duckdb.connect()
    columns = "organization, grouping, bucket_start, project_id, line_item, amount_value, amount_currency"
    utc = columns.replace("bucket_start", "timezone('UTC', bucket_start)")  # the export's TIMESTAMPTZ, as stored
    read = con.execute(
        f"SELECT {utc} FROM read_parquet("
        f"'{target}/costs_*/*/*.parquet', hive_partitioning = true, union_by_name = true) ORDER BY ALL"
    ).fetchall()
    with Warehouse(synced, read_only=True) as warehouse:
        held = warehouse.connection.execute(f"SELECT {columns} FROM costs ORDER BY ALL").fetchall()
    assert read == held and len(held) > 1000
    # the names beside the datasets, joined as the README shows
    spend = con.execute(
        f"SELECT p.name, round(sum(c.amount_value), 2) FROM read_parquet('{target}/costs_by_project_id_and_line_item"
        f"/*/*.parquet', hive_partitioning = true) c JOIN '{target}/names/projects.parquet' p ON p.organization = "
        "c.organization AND p.id = c.project_id GROUP BY ALL ORDER BY 1"
    ).fetchall()
    with Warehouse(synced, read_only=True) as warehouse:
        names = warehouse.connection.execute("SELECT * EXCLUDE (synced_at) FROM names_projects ORDER BY ALL").fetchall()
    exported = con.execute(f"SELECT * EXCLUDE (synced_at) FROM '{target}/names/projects.parquet' ORDER BY ALL")
    assert exported.fetchall() == names
    assert len(spend) > 1 and all(name for name, _ in spend)
    assert {"api_keys.parquet", "users.parquet"} <= {p.name for p in (target / "names").iterdir()}
    assert " names to " in out
    # a second export replaces the first; a directory holding other files is refused
    assert run(["export", "--db", str(synced), "--parquet", str(target)], now=HOUR_NOW) == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x", encoding="utf-8")
    code, _, err = _stdout(capsys, ["export", "--db", str(synced), "--parquet", str(other)], HOUR_NOW)
    assert code == 2 and "holds other files" in err
    assert (other / "keep.txt").exists()


def test_without_duckdb_the_extra_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "duckdb", None)
    code, _, err = _stdout(capsys, ["--sandbox", "sync", "--db", str(tmp_path / "u.duckdb")], HOUR_NOW)
    assert code == 2
    assert err == "oai-usage: error: sync needs duckdb: pip install 'oai-usage[warehouse]' (or pip install duckdb)\n"
    assert not (tmp_path / "u.duckdb").exists()


def test_the_client_does_not_import_duckdb() -> None:
    code = "import sys, oai_usage; oai_usage.UsageClient; import oai_usage.cli.main; print('duckdb' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "False"


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100, encoding="utf-8")
    code, _, err = _stdout(capsys, ["--sandbox", "sync", "--db", str(notes)], HOUR_NOW)
    assert code == 2
    assert (
        err.startswith(f"oai-usage: error: --db {notes}: cannot open it as a DuckDB database") and err.count("\n") == 1
    )
    assert notes.read_text(encoding="utf-8") == "not a database\n" * 100


def test_a_since_in_the_future_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "sync", "--db", str(tmp_path / "u.duckdb"), "--since", "2026-12-01"]
    code, _, err = _stdout(capsys, argv, HOUR_NOW)
    assert code == 2 and "--since 2026-12-01: must be before now" in err


def test_an_api_failure_is_one_line_exit_1_without_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from oai_usage.retry import RetryPolicy

    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, retries_done: 0.0)  # no waiting between attempts
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-SYNCSECRET123")
    argv = ["sync", "--base-url", "http://127.0.0.1:9/v1", "--db", str(tmp_path / "u.duckdb"), "--endpoints", "costs"]
    code, out, err = _stdout(capsys, argv, HOUR_NOW)
    assert code == 1
    assert (
        err.startswith("oai-usage: error: GET http://127.0.0.1:9/v1/organization/costs failed") and err.count("\n") == 1
    )
    assert "SYNCSECRET" not in out + err
    with Warehouse(tmp_path / "u.duckdb") as warehouse:
        assert warehouse.states() == []  # nothing half-stored


# --- Review of issue 16: odd paths, odd targets, interrupts ---------------------------------------------------------


def _tiny_sync(db: Path) -> list[str]:
    return ["--sandbox", "sync", "--db", str(db), "--since", "2d", "--endpoints", "costs", "--no-names"]


def test_a_db_that_is_a_fifo_is_refused_at_once_instead_of_hanging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.duckdb"
    os.mkfifo(fifo)
    code, _, err = _stdout(capsys, _tiny_sync(fifo), HOUR_NOW)
    assert code == 2
    assert err == f"oai-usage: error: --db {fifo}: not a regular file; give the database file\n"
    assert not (tmp_path / "pipe.duckdb.lock").exists()


def test_a_symlink_to_the_database_shares_its_lock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real.duckdb"
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    with database_lock(real.resolve(), what="sync"):
        code, _, err = _stdout(capsys, _tiny_sync(link), HOUR_NOW)
    assert code == 1 and " is in use by pid " in err
    assert not (tmp_path / "link.duckdb.lock").exists()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("small") / "usage.duckdb"
    assert run(_tiny_sync(db), now=HOUR_NOW) == 0
    return db


def test_export_into_the_current_directory_is_one_line(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    code, _, err = _stdout(capsys, ["export", "--db", str(small), "--parquet", "."], HOUR_NOW)
    assert code == 2
    assert err.startswith("oai-usage: error: --parquet .: the current directory or one above it;")
    assert here.is_dir() and not any(here.iterdir())


def test_export_through_a_symlink_replaces_the_export_it_points_at_and_keeps_the_link(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real, link = tmp_path / "lake", tmp_path / "current"
    assert run(["export", "--db", str(small), "--parquet", str(real)], now=HOUR_NOW) == 0
    link.symlink_to(real)
    code, _, _ = _stdout(capsys, ["export", "--db", str(small), "--parquet", str(link)], HOUR_NOW)
    assert code == 0
    assert link.is_symlink() and (link / "costs_total").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "lake"]  # no stray .old or .part


def test_export_never_deletes_a_file_that_is_not_its_own(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "lake"
    assert run(["export", "--db", str(small), "--parquet", str(target)], now=HOUR_NOW) == 0
    mine = target / "usage.duckdb"  # a user keeps their database inside the export directory
    mine.write_bytes(b"precious")
    code, _, err = _stdout(capsys, ["export", "--db", str(small), "--parquet", str(target)], HOUR_NOW)
    assert code == 2
    assert err == (f"oai-usage: error: --parquet {target}: an earlier export that now holds other files "
                   "(usage.duckdb); move them out or give a new directory\n")  # fmt: skip
    assert mine.read_bytes() == b"precious"


def test_ctrl_c_inside_a_database_write_is_one_line_exit_130_and_the_next_sync_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    killers: list[subprocess.Popen[bytes]] = []

    def slow_write(self: Warehouse, *args: object, **kwargs: object) -> None:
        # DuckDB runs Python's SIGINT handler inside a query and turns the KeyboardInterrupt into
        # RuntimeError("Query interrupted"): what a Ctrl-C during a real write does. The signal comes from another
        # process: a thread of this one may not get the GIL back before the query ends.
        killers.append(subprocess.Popen(["sh", "-c", f"sleep 0.2; kill -INT {os.getpid()}"]))
        self.connection.execute("SELECT count(*) FROM range(10000000000) a, range(10) b").fetchall()

    db = tmp_path / "u.duckdb"
    monkeypatch.setattr(Warehouse, "replace_range", slow_write)
    code, _, err = _stdout(capsys, _tiny_sync(db), HOUR_NOW)
    assert [k.wait() for k in killers] == [0]
    assert (code, err) == (130, "oai-usage: interrupted\n")
    monkeypatch.undo()
    assert run(_tiny_sync(db), now=HOUR_NOW) == 0


def test_a_profile_without_its_key_is_named_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "oai-usage.toml"
    config.write_text('[profiles.acme]\nkey_env = "ACME_TEST_KEY"\n[profiles.beta]\nkey_env = "BETA_TEST_KEY"\n')
    argv = ["sync", "--db", str(tmp_path / "u.duckdb"), "--config", str(config), "--all-profiles"]
    code, _, err = _stdout(capsys, argv, HOUR_NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "oai-usage: error: profile acme: no admin key: set ACME_TEST_KEY to its Admin API key (sk-admin-...)"
    )


@pytest.mark.parametrize("wait", ["nan", "-1", "inf", "soon"])
def test_a_wait_that_is_not_a_number_of_seconds_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wait: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        run([*_tiny_sync(tmp_path / "u.duckdb"), "--wait", wait], now=HOUR_NOW)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith(f"argument --wait: {wait!r} is not a number of seconds from 0 to 86400\n")
    assert err.count("\n") == 1 and not (tmp_path / "u.duckdb").exists()


def test_a_lock_file_that_cannot_be_opened_is_one_line_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "u.duckdb"
    (tmp_path / "u.duckdb.lock").mkdir()  # as a read-only directory would: the lock cannot be made
    code, _, err = _stdout(capsys, _tiny_sync(db), HOUR_NOW)
    assert code == 1
    assert err == f"oai-usage: error: {db}.lock: cannot open the lock file: Is a directory\n"
    assert not db.exists()


def test_an_export_whose_directory_cannot_be_made_is_one_line_exit_1(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "mkdir", full)
    code, _, err = _stdout(capsys, ["export", "--db", str(small), "--parquet", str(tmp_path / "lake")], HOUR_NOW)
    assert code == 1
    assert err.startswith(f"oai-usage: error: {tmp_path}/.lake.") and err.endswith(": No space left on device\n")


def test_a_sandbox_sync_without_db_never_writes_into_the_real_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("OAI_USAGE_CONFIG", str(tmp_path / "oai-usage.toml"))
    (tmp_path / "oai-usage.toml").write_text(f'database = "{tmp_path / "real.duckdb"}"\n')
    code, out, _ = _stdout(capsys, ["--sandbox", "sync", "--since", "2d", "--endpoints", "costs", "--no-names"],
                           HOUR_NOW)  # fmt: skip
    assert code == 0 and out.endswith(f"into {tmp_path / 'oai-usage' / 'sandbox.duckdb'}\n")
    assert not (tmp_path / "oai-usage" / "usage.duckdb").exists() and not (tmp_path / "real.duckdb").exists()


def test_a_db_under_a_literal_tilde_is_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # a systemd or cron line passes "~/…" unexpanded
    code, _, err = _stdout(capsys, _tiny_sync(Path("~/usage.duckdb")), HOUR_NOW)
    assert (code, err) == (0, "")
    assert (tmp_path / "usage.duckdb").is_file()


# --- Issue 26: a stray config never sends the key elsewhere ----------------------------------------------------------


def test_a_world_writable_config_in_the_working_directory_never_sends_the_key_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = tmp_path / "oai-usage.toml"
    stray.write_text('[profiles.default]\nbase_url = "https://elsewhere.example/v1"\n', encoding="utf-8")
    stray.chmod(0o666)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-stray-config-key")
    sent: list[str] = []
    monkeypatch.setattr(httpx.Client, "send", lambda self, request, **kw: sent.append(str(request.url)))
    code, out, err = _stdout(capsys, ["sync", "--db", str(tmp_path / "u.duckdb")], HOUR_NOW)
    assert (code, out, sent) == (2, "", [])
    assert err == ("oai-usage: error: oai-usage.toml: sets base_url (where the admin key is sent) but is writable by "
                   "group or others (mode 0666); refusing it: chmod go-w oai-usage.toml\n")  # fmt: skip
    assert not (tmp_path / "u.duckdb").exists()


def test_a_deeply_nested_config_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "oai-usage.toml"
    config.write_text("since = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code, out, err = _stdout(capsys, ["sync", "--config", str(config), "--db", str(tmp_path / "u.duckdb")], HOUR_NOW)
    assert (code, out) == (2, "")
    assert err == f"oai-usage: error: {config}: nested too deeply; not a config file\n"
