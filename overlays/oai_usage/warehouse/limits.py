"""The spend limits in the warehouse: the organization's and each active project's monthly limit as the last sync
read them, so that a reader with no API key (`oai-usage metrics`) can put spend beside its limit.

Table `spend_limits` (organization, scope, amount, currency, enforcement, synced_at), keyed by (organization,
scope): scope '' is the organization's own limit, else the project ID; amount is exact dollars (DECIMAL(18,2), the
API's cents / 100). A sync step of its own, after the names (whose active projects it reads): every limit read
replaces the one stored for its scope, and a scope read with no limit set loses its row; a limit the key may not
read (403) keeps what was stored; any other failure keeps everything, with one warning (never a failed sync).
Limits are live data: a reader says when they were read (`synced_at`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import OaiUsageError, PermissionDeniedError
from .store import Warehouse, naive_utc, rollback

if TYPE_CHECKING:
    from ..client import UsageClient
    from ..lists import SpendLimit

__all__ = ["LIMITS_TABLE", "LimitsReport", "active_projects", "has_limits", "limits_read_at", "read_limits",
           "store_limits", "sync_limits"]  # fmt: skip

log = logging.getLogger("oai_usage.warehouse")

LIMITS_TABLE = "spend_limits"
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {LIMITS_TABLE} (organization VARCHAR NOT NULL, scope VARCHAR NOT NULL, "
    "amount DECIMAL(18, 2) NOT NULL, currency VARCHAR NOT NULL, enforcement VARCHAR, synced_at TIMESTAMP NOT NULL, "
    "PRIMARY KEY (organization, scope))"
)


@dataclass(frozen=True)
class LimitsReport:
    """What one limits sync did: the limits stored, the scopes read with none set, the scopes refused (403)."""

    stored: int = 0
    unset: int = 0
    refused: int = 0
    failed: str | None = None


def has_limits(con: Any) -> bool:
    """True when the database has the limits table (one no limits sync wrote, opened read-only, has not)."""
    found = con.execute(
        f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{LIMITS_TABLE}' AND schema_name = 'main'"
    ).fetchone()
    return bool(found and found[0])


def active_projects(warehouse: Warehouse, organization: str) -> list[str]:
    """The IDs of the organization's projects the stored names list as not archived."""
    from .names import has_names

    with warehouse.session() as con:
        if not has_names(con):
            return []
        found = con.execute(
            "SELECT id FROM names_projects WHERE organization = ? AND coalesce(status, '') <> 'archived' ORDER BY id",
            [organization],
        ).fetchall()
    return [str(pid) for (pid,) in found]


def store_limits(warehouse: Warehouse, organization: str, answers: Sequence[tuple[str, SpendLimit | None]],
                 synced_at: datetime) -> None:  # fmt: skip
    """In ONE transaction: each (scope, limit) read replaces the scope's stored row (None: no limit set, no row)."""
    with warehouse.session() as con:
        con.execute("BEGIN")
        try:
            con.execute(_CREATE)
            for scope, limit in answers:
                con.execute(f"DELETE FROM {LIMITS_TABLE} WHERE organization = ? AND scope = ?", [organization, scope])
                if limit is not None:
                    con.execute(
                        f"INSERT INTO {LIMITS_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                        [organization, scope, limit.amount, limit.currency, limit.enforcement, naive_utc(synced_at)],
                    )
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise


def read_limits(warehouse: Warehouse, organization: str) -> dict[str, tuple[Decimal, str]]:
    """scope ('' the organization, else the project ID) -> (amount in dollars, currency as the API wrote it);
    empty when the database keeps no limits."""
    with warehouse.session() as con:
        if not has_limits(con):
            return {}
        found = con.execute(
            f"SELECT scope, amount, currency FROM {LIMITS_TABLE} WHERE organization = ? ORDER BY scope", [organization]
        ).fetchall()
    return {str(scope): (Decimal(amount), str(currency)) for scope, amount, currency in found}


def limits_read_at(warehouse: Warehouse, organization: str) -> datetime | None:
    """When the last sync read the organization's stored limits (aware UTC); None when none is stored."""
    with warehouse.session() as con:
        if not has_limits(con):
            return None
        found = con.execute(f"SELECT max(synced_at) FROM {LIMITS_TABLE} WHERE organization = ?",
                            [organization]).fetchone()  # fmt: skip
    return found[0].replace(tzinfo=UTC) if found and found[0] is not None else None


def sync_limits(
    warehouse: Warehouse,
    client: UsageClient,
    organization: str,
    *,
    synced_at: datetime,
    lock: AbstractContextManager[Any] | None = None,
) -> LimitsReport:
    """Read the organization's limit and each active project's (side by side, at most the client's concurrency)
    and store them (see the module docstring); never raises for the API."""
    scopes = ["", *active_projects(warehouse, organization)]

    def read(scope: str) -> SpendLimit | PermissionDeniedError | None:
        try:
            return client.spend_limit() if scope == "" else client.project_spend_limit(scope)
        except PermissionDeniedError as exc:
            return exc

    try:
        with ThreadPoolExecutor(
            max_workers=max(1, client.max_concurrency), thread_name_prefix="oai_usage_limits"
        ) as pool:
            answers = list(pool.map(read, scopes))
    except OaiUsageError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("%s: spend limits not updated (%s); the limits stored before are kept", organization, reason)
        return LimitsReport(failed=reason)
    read_ok = [(s, a) for s, a in zip(scopes, answers, strict=True) if not isinstance(a, PermissionDeniedError)]
    refused = len(scopes) - len(read_ok)
    with lock if lock is not None else nullcontext():
        store_limits(warehouse, organization, read_ok, synced_at)
    if refused:
        log.warning("%s: the admin key may not read %d spend limit(s) (403): those stored before are kept",
                    organization, refused)  # fmt: skip
    stored = sum(1 for _, a in read_ok if a is not None)
    return LimitsReport(stored=stored, unset=len(read_ok) - stored, refused=refused)
