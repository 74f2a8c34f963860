"""Internal: where the CLI writes files: ONE rule for `-o`, `--plot` and `--html` (and any later file option).

Use `check_target(path, option)` before fetching (a path mistake then costs no API calls), and
`atomic_write(path, option, mode)` to write. The rule:

- The parent directory must already exist (nothing is created for you): else `OutputPathError`. A path ending
  with `/` names a directory, never a file: `-o newdir/` is refused, not written as a file named `newdir`.
- Only a regular file is ever replaced. A directory, device node, FIFO or socket is refused.
- A symlink is written through: its final target file is replaced atomically; the link stays.
- The file appears only when complete: data goes to `.NAME.<random>.part` beside the target and is
  renamed over it at the end; any failure or signal turned into an exception (SIGINT, SIGTERM) removes
  the `.part` file. After `kill -9` the `.part` file stays; the target is never half-written.
- An existing file keeps its permission bits; a new one gets 0666 minus the umask.

Errors: `OutputPathError` (a path mistake: missing directory, a directory or device as target, a
read-only file system, no permission; exit 2) and `OutputIOError` (the write itself failed: disk full,
I/O error; exit 1). Both carry one line naming the option and the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .exit_codes import CliError

__all__ = ["OutputIOError", "OutputPathError", "atomic_write", "check_target", "check_targets", "os_error"]

# errno values that mean "this is not a place you can write to" (the user should pick another path).
_PATH_ERRNOS = frozenset(
    {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG,
     errno.ELOOP, errno.EEXIST, errno.EXDEV, errno.ETXTBSY}
)  # fmt: skip


class OutputPathError(CliError, ValueError):
    """The path given to a file option cannot be written (a user mistake): one line, exit 2."""


class OutputIOError(OSError):
    """Writing the output failed part way (disk full, I/O error): one line, exit 1."""

    def __str__(self) -> str:
        return str(self.strerror)  # the message alone, without OSError's "[Errno N]" prefix


def os_error(exc: OSError, option: str, where: str) -> OutputPathError | OutputIOError:
    """The typed error for an OSError met while writing `where` for `option` (classified by errno)."""
    reason = exc.strerror or str(exc)
    message = f"{option} {where}: {reason}"
    if exc.errno in _PATH_ERRNOS:
        return OutputPathError(message)
    return OutputIOError(exc.errno or errno.EIO, message)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: str | os.PathLike[str], option: str) -> Path:
    """The regular file that writing `path` will replace or create (symlinks followed); raises OutputPathError."""
    given = os.fspath(path)
    if not given:
        raise OutputPathError(f"{option}: empty path; give a file name")
    target = Path(os.path.realpath(given)) if os.path.islink(given) else Path(given)
    try:
        info = os.stat(given)  # follows links, /proc/self/fd/N and /dev/stdout included
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise os_error(exc, option, given) from None
    if info is None and given.endswith(("/", os.sep)):  # `-o newdir/`: a folder was meant, and there is none
        raise OutputPathError(f"{option} {given}: directory {given!r} does not exist, and a file name cannot end "
                              "with /; give a file name in an existing directory")  # fmt: skip
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = _kind(info.st_mode)
        hint = "; for stdout leave out -o or give -o -" if option == "-o" and not stat.S_ISDIR(info.st_mode) else ""
        raise OutputPathError(f"{option} {given}: is {what}; only a regular file is written{hint}")
    parent = target.parent
    if not parent.exists():
        raise OutputPathError(f"{option} {given}: directory {os.fspath(parent)!r} does not exist (create it first)")
    if not parent.is_dir():
        raise OutputPathError(f"{option} {given}: {os.fspath(parent)!r} is not a directory")
    if not os.access(parent, os.W_OK):
        # access() reports a read-only file system (EROFS) for root too.
        reason = "read-only file system" if _read_only(parent) else "no permission to write there"
        raise OutputPathError(f"{option} {given}: cannot write in {os.fspath(parent)!r}: {reason}")
    return target


def check_targets(*targets: tuple[str, str | None]) -> None:
    """`check_target` for each (option, path) pair given a file (None and `-`, stdout, are skipped)."""
    for option, path in targets:
        if path is not None and path != "-":
            check_target(path, option)


def _read_only(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], option: str, mode: str = "w") -> Iterator[IO[Any]]:
    """A file that appears at `path` only if the block succeeds (see the module docstring for the rule)."""
    given = os.fspath(path)
    target = check_target(given, option)
    try:
        keep_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        keep_mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise os_error(exc, option, given) from None
    try:
        try:
            os.chmod(tmp, keep_mode)
            handle: IO[Any] = os.fdopen(fd, mode) if "b" in mode else os.fdopen(fd, mode, encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            raise
        try:
            with handle as fh:
                yield fh
            # The target may have changed since the check: still never replace anything but a regular file.
            check_target(given, option)
            os.replace(tmp, target)
        except OSError as exc:
            if isinstance(exc, OutputIOError | BrokenPipeError):
                raise
            raise os_error(exc, option, given) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
