"""The warehouse as Parquet datasets that are safe to sum: one dataset per grouping, each Hive-partitioned by day.

`DIR/<dataset>/date=<YYYY-MM-DD>/part_0.parquet`, one dataset per (endpoint, width, grouping) stored, named
`costs_by_project_id_and_line_item`, `costs_total`, `completions_1d_by_model`, `completions_1h_total`, ...
(see dataset_name): each holds every figure exactly once, so `sum(amount_value)` over one dataset's files
(`read_parquet('DIR/costs_total/**/*.parquet', hive_partitioning = true)`) is the organization's spend; the
datasets hold the same usage grouped differently, so one is never summed with another. Each file also has a
`dataset` column (a glob over all datasets, `DIR/*/*/*.parquet` with union_by_name, filters on it).

Standard types, read without casts by DuckDB, Spark, Trino and BigQuery: `bucket_start`, `bucket_end` as Parquet
TIMESTAMP (isAdjustedToUTC, microseconds), money (`amount_value`) as DOUBLE, counters as INT64, `result_index`
as INT32, `batch` as BOOLEAN, strings as UTF-8; no unsigned integers. `date` (the partition) is the UTC day.

Written by DuckDB's `COPY ... PARTITION_BY (date)`, a month of days per statement (the partitioned writer holds a
Parquet writer for every day a statement writes: a year of an hourly dataset in one statement peaked at about
320 MB), into a sibling directory, which then replaces DIR, so readers never see half an export. DIR must be new,
empty, or an earlier export holding only what it wrote: the manifest `_oai_usage_export` lists every file an
export wrote, and a file anywhere under DIR that it does not list (a user's notes in a dataset, in a `date=.../`
folder or in `names/`) refuses the export. The earlier export is then removed file by file from its list, never as
a whole tree: nothing of the user's is ever deleted.

The name directory goes in its own top-level folder, outside every dataset's glob, unpartitioned (a few thousand
rows at most): `DIR/names/projects.parquet`, `api_keys.parquet`, `users.parquet`, each with `organization`; join
them on (organization, id).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..endpoints import ENDPOINTS
from .config import ConfigError
from .names import has_names
from .store import NAME_TABLES, Warehouse, table_name

MARKER = "_oai_usage_export"
NAMES_DIR = "names"
MANIFEST_HEADER = "written by oai-usage export --parquet"
# What an export written before the manifest listed its files holds: only these names are its own.
_LEGACY_OWN = re.compile(r"^(endpoint=[a-z_]+/date=\d{4}-\d{2}-\d{2}/part_\d+\.parquet|_names/[a-z_]+\.parquet)$")
_TIMES = ("bucket_start", "bucket_end")


def dataset_name(endpoint: str, width: str, grouping: str) -> str:
    """The dataset of one (endpoint, width, grouping): `costs_by_project_id_and_line_item`, `costs_total` (costs
    are daily only), `completions_1h_by_model`, `completions_1d_total`."""
    head = endpoint if endpoint == "costs" else f"{endpoint}_{width}"
    return f"{head}_by_{'_and_'.join(grouping.split(','))}" if grouping else f"{head}_total"


def export_parquet(warehouse: Warehouse, target: Path) -> dict[str, int]:
    """Write every endpoint's rows and the names tables under `target`; returns the rows written per endpoint and
    per names table (`names_projects`, ...)."""
    given = Path(target)
    target = _real_target(given)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    staging.mkdir()
    counts: dict[str, int] = {}
    try:
        with warehouse.session() as con:
            for endpoint in ENDPOINTS:
                counts[endpoint] = _export_endpoint(con, endpoint, staging)
            if has_names(con):
                (staging / NAMES_DIR).mkdir()
                for table in NAME_TABLES:
                    found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
                    counts[table] = int(found[0]) if found else 0
                    path = _quoted(staging / NAMES_DIR / f"{table.removeprefix('names_')}.parquet")
                    con.execute(f"COPY (SELECT * REPLACE (timezone('UTC', synced_at) AS synced_at) FROM {table} "
                                f"ORDER BY organization, id) TO '{path}' (FORMAT parquet)")  # fmt: skip
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


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _export_endpoint(con: Any, endpoint: str, staging: Path) -> int:
    """Write one endpoint's table as one dataset per (width, grouping) it holds, a month of days per statement; the
    rows written."""
    table = table_name(endpoint)
    parts = con.execute(
        f"SELECT width, grouping, date_trunc('month', bucket_start), count(*) FROM {table} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    times = ", ".join(f"timezone('UTC', {c}) AS {c}" for c in _TIMES)
    month = "bucket_start >= ? AND bucket_start < ? + INTERVAL 1 MONTH"  # the month's days, from its first
    rows = f"FROM {table} WHERE width = ? AND grouping = ? AND {month}"
    for width, grouping, first, _count in parts:
        name = dataset_name(endpoint, width, grouping)
        con.execute(
            f"COPY (SELECT '{name}' AS dataset, * REPLACE ({times}), CAST(bucket_start AS DATE) AS date {rows} "
            "ORDER BY organization, bucket_start, result_index) "
            f"TO '{_quoted(staging / name)}' (FORMAT parquet, PARTITION_BY (date), OVERWRITE_OR_IGNORE, "
            "FILENAME_PATTERN 'part_{i}')",
            [width, grouping, first, first],
        )
    return sum(int(count) for *_, count in parts)


def _real_target(given: Path) -> Path:
    """The directory an export replaces, through symlinks (the link is kept and sees the new export). Refused with
    a ConfigError naming the target (param "parquet"): a file, a missing parent, the current directory or one above
    it (it would be renamed away under the shell), and any directory holding files that are not an earlier export's
    own."""
    if given.exists() and not given.is_dir():
        raise ConfigError(f"{given}: not a directory", param="parquet")
    target = given.resolve()
    if not target.parent.is_dir():
        raise ConfigError(f"{given}: the directory {given.parent} does not exist", param="parquet")
    if target == target.parent or Path.cwd().resolve().is_relative_to(target):
        raise ConfigError(f"{given}: the current directory or one above it; give a new directory for the "
                          "dataset (e.g. ./usage-parquet)", param="parquet")  # fmt: skip
    if target.is_dir():
        entries = sorted(p.name for p in target.iterdir())
        if entries and MARKER not in entries:
            raise ConfigError(
                f"{given}: the directory holds other files; give a new or empty directory", param="parquet"
            )
        foreign = _foreign(target) if entries else []
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ConfigError(f"{given}: an earlier export that now holds other files ({shown}); move "
                              "them out or give a new directory", param="parquet")  # fmt: skip
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
