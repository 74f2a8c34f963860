"""The warehouse as a Hive-partitioned Parquet dataset: `DIR/endpoint=<name>/date=<YYYY-MM-DD>/*.parquet`.

Written by DuckDB's `COPY ... PARTITION_BY (endpoint, date)` into a sibling directory, which then replaces DIR,
so readers never see half an export. DIR must be new, empty, or an earlier export (it holds `_oai_usage_export`).

The name directory goes beside it, unpartitioned (a few thousand rows at most): `DIR/_names/projects.parquet`,
`api_keys.parquet`, `users.parquet`, each with `organization`; join them on (organization, id). The leading
underscore keeps them out of the dataset for readers that discover partitions (Spark, Hive, Trino skip `_` paths)
and out of the `DIR/*/*/*.parquet` glob.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from ..endpoints import ENDPOINTS
from .config import ConfigError
from .names import has_names
from .store import NAME_TABLES, Warehouse, table_name

MARKER = "_oai_usage_export"
NAMES_DIR = "_names"


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
        (staging / MARKER).write_text("written by oai-usage export --parquet\n", encoding="utf-8")
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
            os.rename(target, old)
        os.rename(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
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
        foreign = [n for n in entries if n not in (MARKER, NAMES_DIR) and not n.startswith("endpoint=")]
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ConfigError(f"--parquet {given}: an earlier export that now holds other files ({shown}); move "
                              "them out or give a new directory")  # fmt: skip
    return target
