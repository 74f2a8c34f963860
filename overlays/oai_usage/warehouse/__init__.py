"""A local history of usage and costs: incremental sync into an embedded DuckDB database (`oai-usage[warehouse]`).

The core client never imports DuckDB; only the sync, export and `report --db` code paths do, through
`require_duckdb()`, which names the extra to install when it is missing.
"""

from __future__ import annotations

from types import ModuleType

from ..errors import MissingDependencyError, OaiUsageError

EXTRA_HINT = "pip install 'oai-usage[warehouse]' (or pip install duckdb)"


def require_duckdb(what: str = "the warehouse") -> ModuleType:
    """The duckdb module, or MissingDependencyError naming the extra (one line, exit 2 in the CLI)."""
    try:
        import duckdb
    except ImportError:
        raise MissingDependencyError(f"{what} needs duckdb: {EXTRA_HINT}") from None
    return duckdb


class WarehouseError(OaiUsageError):
    """The database failed under a sync, export or report (disk full, opened by another program): one line, exit 1."""
