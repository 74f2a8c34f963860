"""The warehouse as a Hive-partitioned Parquet dataset: `DIR/endpoint=<name>/date=<YYYY-MM-DD>/*.parquet`.

Written by DuckDB's `COPY ... PARTITION_BY (endpoint, date)` into a sibling directory, which then replaces DIR,
so readers never see half an export. DIR must be new, empty, or an earlier export holding only what it wrote: the
manifest `_oai_usage_export` lists every file an export wrote, and a file anywhere under DIR that it does not list
(a user's notes in `endpoint=costs/`, in a `date=.../` folder or in `_names/`) refuses the export. The earlier
export is then removed file by file from its list, never as a whole tree: nothing of the user's is ever deleted.

The name directory goes beside it, unpartitioned (a few thousand rows at most): `DIR/_names/projects.parquet`,
`api_keys.parquet`, `users.parquet`, each with `organization`; join them on (organization, id). The leading
underscore keeps them out of the dataset for readers that discover partitions (Spark, Hive, Trino skip `_` paths)
and out of the `DIR/*/*/*.parquet` glob.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..endpoints import ENDPOINTS
from .config import ConfigError
from .names import has_names
from .store import NAME_TABLES, Warehouse, table_name

MARKER = "_oai_usage_export"
NAMES_DIR = "_names"
MANIFEST_HEADER = "written by oai-usage export --parquet"
# What an export written before the manifest listed its files holds: only these names are its own.
_LEGACY_OWN = re.compile(r"^(endpoint=[a-z_]+/date=\d{4}-\d{2}-\d{2}/part_\d+\.parquet|_names/[a-z_]+\.parquet)$")


def export_parquet(warehouse: Warehouse, target: Path) -> dict[str, int]:
    """Write every endpoint's rows and the names tables under `target`; returns the rows written per endpoint and
    per names table (`names_projects`, ...)."""
    given = Path(target)
    target = _real_target(given)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    staging.mkdir()
    counts: dict[str, int] = {}
    try:
        con = warehouse.connection
        for endpoint in ENDPOINTS:
            table = table_name(endpoint)
            found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            count = int(found[0]) if found else 0
            counts[endpoint] = count
            if not count:
                continue
            path = str(staging).replace("'", "''")
            con.execute(
                f"COPY (SELECT *, '{endpoint}' AS endpoint, CAST(bucket_start AS DATE) AS date FROM {table}) "
                f"TO '{path}' (FORMAT parquet, PARTITION_BY (endpoint, date), OVERWRITE_OR_IGNORE, "
                "FILENAME_PATTERN 'part_{i}')"
            )
        if has_names(con):
            (staging / NAMES_DIR).mkdir()
            for table in NAME_TABLES:
                found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
                counts[table] = int(found[0]) if found else 0
                path = str(staging / NAMES_DIR / f"{table.removeprefix('names_')}.parquet").replace("'", "''")
                con.execute(f"COPY (SELECT * FROM {table} ORDER BY organization, id) TO '{path}' (FORMAT parquet)")
        written = sorted(_files(staging))
        (staging / MARKER).write_text("".join(f"{line}\n" for line in [MANIFEST_HEADER, *written]), encoding="utf-8")
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
            os.rename(target, old)
        os.rename(staging, target)
        if old is not None:
            _remove_own(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return counts


def _real_target(given: Path) -> Path:
    """The directory an export replaces, through symlinks (the link is kept and sees the new export). Refused with
    a ConfigError naming --parquet: a file, a missing parent, the current directory or one above it (it would be
    renamed away under the shell), and any directory holding files that are not an earlier export's own."""
    if given.exists() and not given.is_dir():
        raise ConfigError(f"--parquet {given}: not a directory")
    target = given.resolve()
    if not target.parent.is_dir():
        raise ConfigError(f"--parquet {given}: the directory {given.parent} does not exist")
    if target == target.parent or Path.cwd().resolve().is_relative_to(target):
        raise ConfigError(f"--parquet {given}: the current directory or one above it; give a new directory for the "
                          "dataset (e.g. ./usage-parquet)")  # fmt: skip
    if target.is_dir():
        entries = sorted(p.name for p in target.iterdir())
        if entries and MARKER not in entries:
            raise ConfigError(f"--parquet {given}: the directory holds other files; give a new or empty directory")
        foreign = _foreign(target) if entries else []
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ConfigError(f"--parquet {given}: an earlier export that now holds other files ({shown}); move "
                              "them out or give a new directory")  # fmt: skip
    return target


def _files(root: Path) -> Iterator[str]:
    """Every entry under `root` that is not a directory (files, links, anything else), as a relative POSIX path;
    an empty directory counts as itself (`name/`). Links are not followed."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder).relative_to(root)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            yield (here / name).as_posix()
        if not dirs and not files and folder != str(root):
            yield here.as_posix() + "/"


def _own_files(root: Path) -> set[str]:
    """The files the export in `root` wrote: its manifest's list, or, for an export older than the list, the files
    under `root` named as an export names them."""
    try:
        lines = (root / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    listed = {line for line in lines[1:] if line and lines[0] == MANIFEST_HEADER}
    return listed or {name for name in _files(root) if _LEGACY_OWN.match(name)}


def _foreign(root: Path) -> list[str]:
    """What lies under an earlier export that it did not write (sorted relative paths; [] when nothing)."""
    listed = _own_files(root)
    return sorted(name for name in _files(root) if name != MARKER and name not in listed)


def _remove_own(old: Path) -> None:
    """Remove an earlier export that was moved aside: its own files (by its manifest), then the directories they
    leave empty. Anything else (a file put there while the export ran) stays where it is."""
    listed = _own_files(old)
    for name in sorted(listed | {MARKER}):
        path = old / name
        if name.endswith("/") or (path.is_dir() and not path.is_symlink()):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path)
    for folder, _dirs, _files_here in os.walk(old, topdown=False):  # the deepest first
        with contextlib.suppress(OSError):  # not empty: something that is not the export's own stays
            os.rmdir(folder)
