"""Where `-o` and `--plot` write: one line and exit 2 for a path mistake, 1 for an I/O failure, never half a file,
never anything but a regular file replaced, symlinks written through."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from oai_usage.cli import paths
from oai_usage.cli.main import run

from tests.overlay.cli.conftest import NOW

# The sandbox pinned at NOW, in process and in a child process (which reads the wall clock, not the test's pin).
SANDBOX = ["--sandbox", "--now", NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
EXPORT = [*SANDBOX, "usage", "moderations", "--start", "2026-11-20", "--end", "2026-11-22", "--format", "csv"]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err


def test_output_into_a_missing_directory_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, *EXPORT, "-o", str(tmp_path / "missing" / "u.csv"))
    assert code == 2 and out == ""
    _one_line(err)
    assert "-o" in err and "does not exist" in err
    assert not (tmp_path / "missing").exists()  # the rule: no directory is created


def test_output_onto_a_directory_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, *EXPORT, "-o", str(tmp_path))
    assert code == 2
    _one_line(err)
    assert "is a directory" in err
    assert list(tmp_path.iterdir()) == []


def test_plot_onto_a_directory_is_exit_2_before_any_fetch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.png").mkdir()
    code, out, err = cli(capsys, "--sandbox", "report", "--plot", str(tmp_path / "r.png"))
    assert code == 2 and out == ""
    _one_line(err)
    assert "--plot" in err and "is a directory" in err


def test_plot_into_a_missing_directory_follows_the_same_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "--sandbox", "report", "--plot", str(tmp_path / "charts" / "r.png"))
    assert code == 2
    _one_line(err)
    assert "does not exist" in err
    assert not (tmp_path / "charts").exists()


def test_a_device_node_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private copy of /dev/null
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    code, _, err = cli(capsys, *EXPORT, "-o", str(node))
    assert code == 2
    _one_line(err)
    assert "is a device" in err
    assert stat.S_ISCHR(node.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no .part left either


def test_a_fifo_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli(capsys, *EXPORT, "-o", str(fifo))
    assert code == 2 and "is a FIFO" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "usage.csv"
    target.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    code, _, _ = cli(capsys, *EXPORT, "-o", str(link))
    assert code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("bucket_start,")
    assert sorted(p.name for p in real_dir.iterdir()) == ["usage.csv"]  # the temp file was beside the target


def test_a_symlink_to_a_device_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    code, _, err = cli(capsys, *EXPORT, "-o", str(link))
    assert code == 2 and "is a device" in err
    assert link.is_symlink()


def test_an_existing_file_keeps_its_permissions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "private.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    assert cli(capsys, *EXPORT, "-o", str(target))[0] == 0
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_file_system_refusing_new_files_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    # sysfs refuses to create files even for root (EACCES): a real "cannot write here" as any user.
    code, out, err = cli(capsys, *EXPORT, "-o", "/sys/oai-usage-test.csv")
    assert code == 2 and out == ""
    _one_line(err)
    assert "/sys/oai-usage-test.csv" in err


def test_a_full_disk_is_exit_1_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    real_fdopen = os.fdopen

    class _Full:
        def __init__(self, handle: object) -> None:
            self._handle = handle

        def __enter__(self) -> _Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _Full(real_fdopen(*a, **k)))
    code, _, err = cli(capsys, *EXPORT, "-o", str(tmp_path / "u.csv"))
    assert code == 1
    _one_line(err)
    assert "No space left on device" in err
    assert list(tmp_path.iterdir()) == []


def test_check_target_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(paths.OutputPathError, match=r"^--html .*does not exist"):
        paths.check_target(tmp_path / "no" / "r.html", "--html")


# In child processes: the console script as people run it.

SCRIPT = Path(sys.executable).parent / "oai-usage"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}


@pytest.mark.parametrize(
    "argv", [EXPORT, [*EXPORT[:-1], "table"], [*SANDBOX, "report", "--since", "3d"]], ids=["csv", "table", "report"]
)
def test_stdout_on_a_full_disk_is_one_line_and_exit_1(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(SCRIPT), *argv], stdout=full, stderr=subprocess.PIPE, text=True, env=_env(),
                              timeout=60, check=False)  # fmt: skip
    assert done.returncode == 1
    _one_line(done.stderr)
    assert done.stderr == "oai-usage: error: writing to stdout: No space left on device\n"


def test_a_read_only_file_system_is_exit_2(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "-m", "true"], capture_output=True, check=False) if unshare else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs unshare -m (root in a private mount namespace) to mount a read-only file system")
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    shell = f'mount -t tmpfs -o ro tmpfs "{mount_point}" && exec "{SCRIPT}" "$@"'
    done = subprocess.run([str(unshare), "-m", "sh", "-c", shell, "sh", *EXPORT, "-o", f"{mount_point}/u.csv"],
                          capture_output=True, text=True, env=_env(), timeout=60, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr)
    assert "read-only file system" in done.stderr.lower()


@pytest.mark.parametrize(
    "argv",
    [
        [*EXPORT[:-1], "table", "--bucket-width", "1h", "--group-by", "model,project_id"],
        [*EXPORT[:-1], "csv"],
        [*EXPORT[:-1], "json"],
        [*EXPORT[:-1], "jsonl"],
        [*SANDBOX, "report", "--since", "7d"],
        [*SANDBOX, "report", "--since", "7d", "--format", "json"],
    ],
    ids=["table", "csv", "json", "jsonl", "report", "report-json"],
)
def test_a_reader_that_stops_early_gives_exit_0_and_no_noise(argv: list[str]) -> None:
    # `| head -1` made deterministic: the reading end is closed before the command writes anything.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([str(SCRIPT), *argv], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              env=_env() | {"COLUMNS": "80"}, timeout=60, check=False)  # fmt: skip
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


SLOW_EXPORT = """
import sys, time
from oai_usage.cli import main, output
write = output.write_rows
def slow(*args, **kwargs):
    args[2].write("partial\\n"); args[2].flush()
    print("started", flush=True)
    time.sleep(60)
output.write_rows = slow
sys.argv = ["oai-usage", *sys.argv[1:]]
main.main()
"""


@pytest.mark.parametrize(("signum", "code"), [(15, 143), (2, 130), (1, 129)], ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_during_an_export_removes_the_part_file(tmp_path: Path, signum: int, code: int) -> None:
    target = tmp_path / "u.csv"
    child = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, *EXPORT, "-o", str(target)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())  # fmt: skip
    try:
        assert child.stdout is not None
        started = child.stdout.readline()
        assert started == "started\n", child.communicate(timeout=30)[1]
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # the export is under way
        child.send_signal(signum)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == code, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["report"], ["projects"]])
def test_an_empty_output_path_is_refused_before_any_request(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request was sent before -o was checked")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    code, out, err = cli(capsys, "--sandbox", *command, "-o", "")
    assert code == 2 and out == ""
    _one_line(err)
    assert "-o: empty path" in err


# --- Issue 26: a signal before the command starts, and a folder meant as a file ------------------------------------

SLOW_START = """
import sys, time
from oai_usage.cli import main
build = main.build_parser
def slow(*args, **kwargs):
    print("started", flush=True)
    time.sleep(60)
    return build(*args, **kwargs)
main.build_parser = slow
sys.argv = ["oai-usage", *sys.argv[1:]]
main.main()
"""


@pytest.mark.parametrize(("signum", "code", "said"), [(15, 143, "terminated"), (1, 129, "hung up")],
                         ids=["SIGTERM", "SIGHUP"])  # fmt: skip
def test_a_signal_while_the_command_line_is_read_is_one_line_and_its_exit_code(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    child = subprocess.Popen([sys.executable, "-c", SLOW_START, *EXPORT, "-o", str(tmp_path / "u.csv")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())  # fmt: skip
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "started\n", child.communicate(timeout=30)[1]
        child.send_signal(signum)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert (child.returncode, err) == (code, f"oai-usage: {said}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["--sandbox", "report"], EXPORT[:-2]])
def test_output_into_a_missing_folder_with_a_trailing_slash_is_refused_not_written_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, *command, "-o", "newdir/")
    assert (code, out) == (2, "")
    _one_line(err)
    assert err == ("oai-usage: error: -o newdir/: directory 'newdir/' does not exist, and a file name cannot end "
                   "with /; give a file name in an existing directory\n")  # fmt: skip
    assert list(tmp_path.iterdir()) == []
