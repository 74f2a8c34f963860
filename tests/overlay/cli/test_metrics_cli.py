"""`oai-usage metrics`: stdout, `-o FILE` written atomically (the textfile collector), the organizations chosen as
`report --db` chooses them, and `--serve`: GET /metrics read from the warehouse at each scrape, 404 elsewhere, 405
for other methods, localhost by default."""

from __future__ import annotations

import http.client
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from oai_usage.cli.commands import metrics
from oai_usage.cli.main import run
from oai_usage.cli.options import Database
from oai_usage.warehouse.config import SyncConfig
from oai_usage.warehouse.names import sync_names
from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import sync
from prometheus_client.parser import text_string_to_metric_families

from tests.overlay.warehouse.conftest import sandbox_client
from tests.overlay.warehouse.test_readers import _cli as _process

# fixtures (asked for by name): `db`, a sandbox sync --since 20d; `held_sync`, a sync of it held mid-chunk
from tests.overlay.warehouse.test_readers import db, held_sync  # noqa: F401

HOUR_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
SEEDS = {"acme": 0, "beta": 7}


def _sync(path: Path, organizations: list[str]) -> Path:
    with Warehouse(path) as warehouse:
        for name in organizations:
            with sandbox_client(HOUR_NOW, seed=SEEDS[name]) as client:
                sync(warehouse, client, SyncConfig(), name, now=HOUR_NOW, endpoints=("costs", "completions"))
                sync_names(warehouse, client, name, synced_at=HOUR_NOW)
    return path


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sync(tmp_path_factory.mktemp("metrics-cli") / "usage.duckdb", ["acme", "beta"])


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(["metrics", *argv], now=HOUR_NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _organizations(text: str) -> set[str]:
    return {s.labels["organization"] for f in text_string_to_metric_families(text) for s in f.samples}


def test_profile_prints_that_organizations_metrics(both: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "--db", str(both), "--profile", "beta")
    assert (code, err) == (0, "")
    assert _organizations(out) == {"beta"}


def test_all_profiles_labels_each_organization(both: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "--db", str(both), "--all-profiles")
    assert code == 0 and _organizations(out) == {"acme", "beta"}


def test_several_organizations_without_profile_is_exit_2_naming_them(
    both: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "--db", str(both))
    assert (code, out) == (2, "")
    assert "holds 2 organizations (acme, beta)" in err and err.count("\n") == 1


def test_an_unknown_profile_is_exit_2_naming_those_held(both: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--db", str(both), "--profile", "gamma")
    assert code == 2 and "it holds: acme, beta" in err


def test_a_missing_database_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no such database" in err


def test_output_file_holds_what_stdout_prints_and_no_part_file(
    both: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "oai_usage.prom"
    code, out, _ = _cli(capsys, "--db", str(both), "--profile", "acme", "-o", str(target))
    assert (code, out) == (0, "")
    _, printed, _ = _cli(capsys, "--db", str(both), "--profile", "acme")
    assert target.read_text(encoding="utf-8") == printed
    assert os.listdir(tmp_path) == ["oai_usage.prom"]


def test_output_replaces_the_file_whole(both: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "oai_usage.prom"
    target.write_text("stale\n" * 10000, encoding="utf-8")
    inode = target.stat().st_ino
    assert _cli(capsys, "--db", str(both), "--profile", "acme", "-o", str(target))[0] == 0
    assert "stale" not in target.read_text(encoding="utf-8")
    assert target.stat().st_ino != inode  # renamed over it: a reader never sees half a file


def test_output_in_a_missing_directory_is_exit_2_before_any_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "no" / "m.prom"))
    assert code == 2 and "does not exist" in err and "no such database" not in err


def test_output_and_serve_together_are_refused(both: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--db", str(both), "-o", str(tmp_path / "m.prom"), "--serve", "0")
    assert code == 2 and "-o and --serve" in err


def test_host_without_serve_is_refused(both: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--db", str(both), "--host", "0.0.0.0")
    assert code == 2 and "--host goes with --serve" in err


def test_a_port_out_of_range_is_refused(both: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(["metrics", "--db", str(both), "--serve", "70000"], now=HOUR_NOW)
    assert exited.value.code == 2 and "70000' is not a port number" in capsys.readouterr().err


def test_a_key_a_server_echoed_into_a_stored_name_is_masked(
    both: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    import duckdb

    key = "sk-admin-test-echoed0123456789abcdef"
    echoed = tmp_path / "echoed.duckdb"
    shutil.copy(both, echoed)
    with duckdb.connect(str(echoed)) as con:  # metrics runs with no client: no live key to mask
        con.execute(f"UPDATE names_projects SET name = name || ' {key}'")
    code, out, _ = _cli(capsys, "--db", str(echoed), "--profile", "acme")
    assert code == 0 and key not in out and ' sk-***"' in out


def test_the_server_listens_on_localhost_by_default() -> None:
    assert metrics.Options(now=HOUR_NOW, database=Database()).host == "127.0.0.1"


class _Served:
    """A metrics server on a free loopback port, in a thread, and the number of warehouse reads it made."""

    def __init__(self, read: Callable[[], str], timeout: float = metrics.CLIENT_TIMEOUT) -> None:
        self.reads = 0

        def counted() -> str:
            self.reads += 1
            return read()

        self.server = metrics.make_server("127.0.0.1", 0, counted, timeout=timeout)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str) -> tuple[int, dict[str, str], str]:
        con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            con.request(method, path)
            answer = con.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read().decode("utf-8")
        finally:
            con.close()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(both: Path) -> Iterator[_Served]:
    options = metrics.Options(now=HOUR_NOW, database=Database(db=str(both)), profile="acme")
    server = _Served(lambda: metrics.read_metrics(options))
    yield server
    server.close()


def test_get_metrics_answers_the_exposition_as_the_command_prints_it(
    served: _Served, both: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, headers, body = served.request("GET", "/metrics")
    assert status == 200 and headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert body == _cli(capsys, "--db", str(both), "--profile", "acme")[1]


def test_each_scrape_reads_the_warehouse_again(served: _Served) -> None:
    for _ in range(3):
        assert served.request("GET", "/metrics")[0] == 200
    assert served.reads == 3


def test_another_path_is_404(served: _Served) -> None:
    status, _, body = served.request("GET", "/")
    assert status == 404 and "/metrics" in body and served.reads == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_another_method_is_405_naming_get(served: _Served, method: str) -> None:
    status, headers, _ = served.request(method, "/metrics")
    assert (status, headers["Allow"]) == (405, "GET, HEAD") and served.reads == 0


def test_head_answers_the_headers_without_a_body(served: _Served) -> None:
    status, headers, body = served.request("HEAD", "/metrics")
    assert status == 200 and int(headers["Content-Length"]) > 0 and body == ""


def test_a_failing_read_is_500_and_the_server_keeps_serving() -> None:
    def failing() -> str:
        raise OSError("disk gone")

    server = _Served(failing)
    try:
        status, _, body = server.request("GET", "/metrics")
        assert status == 500 and "disk gone" in body
        assert server.request("GET", "/metrics")[0] == 500
    finally:
        server.close()


def test_a_stalled_client_is_dropped_and_others_are_served_meanwhile() -> None:
    server = _Served(lambda: "oai_usage_x 1\n", timeout=0.5)
    stalled = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        stalled.sendall(b"GET /metr")  # a request line that never ends
        assert server.request("GET", "/metrics")[0] == 200
        stalled.settimeout(10)
        assert stalled.recv(1024) == b""  # the server closed it (before the fix: held forever, recv timed out)
    finally:
        stalled.close()
        server.close()


def test_a_client_gone_mid_answer_is_one_log_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="oai_usage.cli")
    server = _Served(lambda: "oai_usage_x 1\n" * 2_000_000)  # 28 MB: more than the socket buffers hold
    gone = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        gone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        gone.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        gone.recv(1)
        gone.close()
        deadline = time.monotonic() + 10
        while "ended early" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.request("GET", "/")[0] == 404  # still serving
    finally:
        server.close()
    assert "metrics: a connection from 127.0.0.1 ended early" in caplog.text
    assert "Traceback" not in capsys.readouterr().err


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str], both: Path) -> None:
    server = _Served(lambda: "")
    try:
        code, _, err = _cli(capsys, "--db", str(both), "--profile", "acme", "--serve", str(server.port))
    finally:
        server.close()
    assert code == 2 and f"cannot listen on 127.0.0.1:{server.port}" in err and err.count("\n") == 1


def test_metrics_read_while_a_sync_of_the_same_database_is_held_mid_chunk(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("held_sync")
    done = _process("metrics", "--db", str(request.getfixturevalue("db")))
    assert done.returncode == 0, done.stderr
    assert "oai_usage_last_day_spend_usd{" in done.stdout and "oai_usage_last_sync_timestamp_seconds{" in done.stdout


def test_a_history_shorter_than_the_month_leaves_out_what_it_cannot_answer_with_one_warning(
    request: pytest.FixtureRequest,
) -> None:
    done = _process("metrics", "--db", str(request.getfixturevalue("db")))  # synced --since 20d, from Nov 5
    assert done.returncode == 0
    assert "the month to date and the month-end projection left out" in done.stderr
    assert "sync --since" in done.stderr and done.stderr.count("\n") == 1
    names = {f.name for f in text_string_to_metric_families(done.stdout) if f.samples}
    assert "oai_usage_last_day_spend_usd" in names
    assert not {n for n in names if "month" in n}
