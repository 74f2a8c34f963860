"""The name directory in the warehouse: projects, API keys, users and service accounts of each organization, so
that `report --db` (and anyone reading the tables or the Parquet export) shows names, not only IDs.

Tables (keyed by (organization, id)):

- `names_projects` (id, name, status, synced_at),
- `names_api_keys` (id, name, project_id, owner_type, owner_name, synced_at; admin keys have no project_id),
- `names_users` (id, email, name, kind, synced_at; kind is `user` or `service_account`, whose email is ''),
- `names_state` (organization, kind, listed_at): the last sync that read that kind's lists completely.

A sync writes the whole directory in ONE transaction (after the usage units). Names are never deleted: an ID that
no list returns any more (a deleted key, a removed user) keeps its last known name, so history stays readable;
its `synced_at` (the last sync whose lists returned it) is then older than `names_state.listed_at` of its kind.
A list the key may not read (403) changes nothing of what was stored for its kind and gives ONE warning; any other
failure to fetch the directory keeps every stored name and gives one warning (the numbers are already stored).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import OaiUsageError
from .store import NAME_TABLES, Warehouse, naive_utc, rollback

if TYPE_CHECKING:
    from ..client import UsageClient
    from ..directory import Directory

log = logging.getLogger("oai_usage.warehouse")

KINDS = ("projects", "api_keys", "users", "service_accounts")
"""The kinds of names kept (`service_accounts` live in `names_users` with kind = 'service_account')."""

# The lists behind each kind (the labels `Directory.refused` uses): a kind is complete when none was refused.
_SOURCES: Mapping[str, tuple[str, ...]] = {
    "projects": ("projects",),
    "api_keys": ("projects", "project API keys", "admin API keys"),
    "users": ("users",),
    "service_accounts": ("projects", "project service accounts"),
}
_DIRECTORY_WARNING = "the admin key may not read"  # the directory's own 403 warning, said differently here


@dataclass
class NamesReport:
    """What one names sync did: rows written per table, and the kinds whose lists were refused (kept as before)."""

    written: dict[str, int] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    failed: str | None = None  # the directory could not be fetched at all: every stored name kept

    @property
    def total(self) -> int:
        return sum(self.written.values())


def complete_kinds(refused: Sequence[str]) -> tuple[str, ...]:
    """The kinds whose every list was read (none of their lists refused)."""
    return tuple(kind for kind in KINDS if not set(_SOURCES[kind]) & set(refused))


def _upsert(con: Any, table: str, organization: str, synced_at: datetime, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert or replace `rows` (the table's own columns, in order) of one organization."""
    if not rows:
        return
    names = [c.split()[0] for c in NAME_TABLES[table].split(", ")]
    columns = list(zip(*rows, strict=True))
    select = ", ".join(f"unnest(${i + 3}::VARCHAR[])" for i in range(len(names)))
    con.execute(
        f"INSERT OR REPLACE INTO {table} (organization, synced_at, {', '.join(names)}) SELECT $1, $2, {select}",
        [organization, naive_utc(synced_at), *[list(c) for c in columns]],
    )


def store_directory(warehouse: Warehouse, organization: str, directory: Directory, synced_at: datetime) -> NamesReport:
    """Write `directory` for `organization` in ONE transaction: every name it holds is inserted or replaced (none
    deleted), and each kind whose lists were all read gets `listed_at = synced_at`."""
    projects = {p.id: (p.id, p.name, p.status) for p in directory.projects.values() if p.id}
    keys = {k.id: (k.id, k.name, k.project_id, k.owner_type, k.owner_name) for k in directory.api_keys.values() if k.id}
    users = {u.id: (u.id, u.email, u.name, "user") for u in directory.users.values() if u.id}
    for account in directory.service_accounts.values():
        if account.id and account.id not in users:
            users[account.id] = (account.id, account.email, account.name, "service_account")
    tables: dict[str, dict[str, tuple[Any, ...]]] = {
        "names_projects": projects,
        "names_api_keys": keys,
        "names_users": users,
    }
    complete = complete_kinds(directory.refused)
    with warehouse.session() as con:
        con.execute("BEGIN")
        try:
            for table, rows in tables.items():
                _upsert(con, table, organization, synced_at, list(rows.values()))
            for kind in complete:
                con.execute(
                    "INSERT OR REPLACE INTO names_state VALUES (?, ?, ?)", [organization, kind, naive_utc(synced_at)]
                )
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
    kept = tuple(kind for kind in KINDS if kind not in complete)
    return NamesReport({t: len(r) for t, r in tables.items()}, kept)


class _Reworded(logging.Filter):
    """Drops the directory's 403 warning ("names left empty") while a sync fetches it: the sync says instead that
    the stored names are kept, in one warning of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING and str(record.msg).startswith(_DIRECTORY_WARNING))


@contextmanager
def _reworded() -> Iterator[None]:
    logger = logging.getLogger("oai_usage")
    quiet = _Reworded()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def sync_names(
    warehouse: Warehouse,
    client: UsageClient,
    organization: str,
    *,
    synced_at: datetime,
    lock: AbstractContextManager[Any] | None = None,
) -> NamesReport:
    """Fetch the organization's directory and store it (see the module docstring; under `lock` when other
    organizations write to the same database at the same time); never raises for the API."""
    try:
        with _reworded():
            directory = client.directory(refresh=True)
    except OaiUsageError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("%s: names not updated (%s); the names stored before are kept", organization, reason)
        return NamesReport(failed=reason)
    with lock if lock is not None else nullcontext():
        done = store_directory(warehouse, organization, directory, synced_at)
    if directory.refused:
        log.warning(
            "%s: the admin key may not read %s (403): the names of %s stored before are kept",
            organization,
            ", ".join(directory.refused),
            ", ".join(k.replace("_", " ") for k in done.kept),
        )
    return done


def has_names(con: Any) -> bool:
    """True when the database has the names tables (a warehouse made before them, opened read-only, has not)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'names_projects' AND schema_name = 'main'"
    ).fetchone()
    return bool(found and found[0])


def project_names(warehouse: Warehouse, organizations: Sequence[str]) -> dict[str, str]:
    """Project ID -> its last known name, over `organizations` (empty names left out)."""
    if not organizations:
        return {}
    with warehouse.session() as con:
        if not has_names(con):
            return {}
        marks = ", ".join("?" for _ in organizations)
        found = con.execute(
            f"SELECT id, name FROM names_projects WHERE organization IN ({marks}) AND coalesce(name, '') <> '' "
            "ORDER BY organization, id",
            list(organizations),
        ).fetchall()
    return {pid: name for pid, name in found}
